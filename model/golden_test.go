package model

import (
	"strings"
	"testing"
)

// goldenUser is a signed-in agent on a reason-coded NOT_READY.
func goldenUser() User {
	return User{
		ID:              "1001",
		LoginName:       "jdoe",
		FirstName:       "Jane",
		LastName:        "Doe",
		Roles:           []Role{RoleAgent},
		State:           StateNotReady,
		StateChangeTime: testTime1,
		ReasonCodeID:    "22",
		ReasonCode:      &ReasonCode{ID: "22", Category: CategoryNotReady, Code: 32, Label: "Lunch", ForAll: true},
		Extension:       "5001",
		MediaType:       "1",
		TeamID:          "5",
		TeamName:        "Sales",
		Settings:        UserSettings{WrapUpOnIncoming: WrapUpOptional},
	}
}

// The golden documents pin the exact bytes, so that any change to the format
// that recorded sequences compare against shows up here first.
const (
	goldenUserXML = `<user>` +
		`<dialogs>/finesse/api/User/1001/Dialogs</dialogs>` +
		`<extension>5001</extension>` +
		`<firstName>Jane</firstName>` +
		`<lastName>Doe</lastName>` +
		`<loginId>1001</loginId>` +
		`<loginName>jdoe</loginName>` +
		`<mediaType>1</mediaType>` +
		`<pendingState></pendingState>` +
		`<ReasonCode>` +
		`<category>NOT_READY</category>` +
		`<code>32</code>` +
		`<forAll>true</forAll>` +
		`<id>22</id>` +
		`<label>Lunch</label>` +
		`<systemCode>false</systemCode>` +
		`<uri>/finesse/api/ReasonCode/22</uri>` +
		`</ReasonCode>` +
		`<reasonCodeId>22</reasonCodeId>` +
		`<roles><role>Agent</role></roles>` +
		`<settings><wrapUpOnIncoming>OPTIONAL</wrapUpOnIncoming></settings>` +
		`<state>NOT_READY</state>` +
		`<stateChangeTime>2024-05-06T07:08:09.123Z</stateChangeTime>` +
		`<teamId>5</teamId>` +
		`<teamName>Sales</teamName>` +
		`<uri>/finesse/api/User/1001</uri>` +
		`</user>`
	goldenUpdateXML = `<Update><data>` + goldenUserXML + `</data>` +
		`<event>PUT</event>` +
		`<requestId>req-7</requestId>` +
		`<source>/finesse/api/User/1001</source>` +
		`</Update>`
)

func TestGoldenUser(t *testing.T) {
	if got := string(MarshalDocument(goldenUser().Element("user"))); got != goldenUserXML {
		t.Errorf("user\n got %s\nwant %s", got, goldenUserXML)
	}
}

func TestGoldenUserUpdate(t *testing.T) {
	u := Update{Event: EventPut, RequestID: "req-7", Source: goldenUser().URI(), Data: goldenUser().Element("user")}
	if got := string(MarshalDocument(u.Element())); got != goldenUpdateXML {
		t.Errorf("Update\n got %s\nwant %s", got, goldenUpdateXML)
	}
}

// reasonCodeId is left out for READY, where no reason applies, but sent as
// -1 for a NOT_READY without a reason.
func TestReasonCodeIDPresence(t *testing.T) {
	ready := goldenUser()
	ready.State, ready.ReasonCodeID, ready.ReasonCode = StateReady, "", nil
	if got := string(Marshal(ready.Element("user"))); strings.Contains(got, "reasonCodeId") {
		t.Errorf("READY user has reasonCodeId: %s", got)
	}

	notReady := goldenUser()
	notReady.ReasonCodeID, notReady.ReasonCode = "-1", nil
	if got := childText(notReady.Element("user"), "reasonCodeId"); got != "-1" {
		t.Errorf("NOT_READY user reasonCodeId = %q, want %q", got, "-1")
	}
}

// Real Finesse writes an empty element as <x></x>, in notifications and
// REST answers alike, and clients that match strings look for that.
func TestEmptyElementsOpenAndClose(t *testing.T) {
	u := Update{Event: EventPut, Source: goldenUser().URI(), Data: goldenUser().Element("user")}
	for name, doc := range map[string][]byte{
		"MarshalIndent":   MarshalIndent(u.Element()),
		"MarshalDocument": MarshalDocument(u.Element()),
	} {
		if s := string(doc); !strings.Contains(s, "<requestId></requestId>") || strings.Contains(s, "/>") {
			t.Errorf("%s writes empty elements self-closed:\n%s", name, s)
		}
	}
	if s := string(Marshal(u.Element())); !strings.Contains(s, "<requestId/>") {
		t.Errorf("Marshal, for stanzas, no longer self-closes:\n%s", s)
	}
}

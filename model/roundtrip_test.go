package model

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/beevik/etree"
)

// roundTrip renders el to bytes, reads them back and compares what parse
// makes of them with want.
func roundTrip[T any](t *testing.T, want T, el *etree.Element, parse func(*etree.Element) (T, error)) {
	t.Helper()
	data := Marshal(el)
	root, err := ParseRoot(data, el.Tag)
	if err != nil {
		t.Fatalf("ParseRoot(%s): %v", data, err)
	}
	got, err := parse(root)
	if err != nil {
		t.Fatalf("parse(%s): %v", data, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip of %s\n got %+v\nwant %+v", data, got, want)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Run("User", func(t *testing.T) { roundTrip(t, testUser(), testUser().Element("User"), ParseUser) })
	t.Run("user", func(t *testing.T) { roundTrip(t, testUser(), testUser().Element("user"), ParseUser) })
	t.Run("ReadyUser", func(t *testing.T) {
		u := testUser()
		u.State, u.ReasonCodeID, u.ReasonCode, u.Teams, u.WrapUpTimer = StateReady, "", nil, nil, 0
		u.Settings = UserSettings{}
		roundTrip(t, u, u.Element("User"), ParseUser)
	})
	t.Run("Team", func(t *testing.T) { roundTrip(t, testTeam(), testTeam().Element(), ParseTeam) })
	t.Run("TeamWithoutUsers", func(t *testing.T) {
		team := Team{ID: "5", Name: "Sales"}
		roundTrip(t, team, team.Element(), ParseTeam)
	})
	t.Run("TeamWithNoUsers", func(t *testing.T) {
		team := Team{ID: "5", Name: "Sales", Users: []TeamUser{}}
		roundTrip(t, team, team.Element(), ParseTeam)
	})
	t.Run("Queue", func(t *testing.T) { roundTrip(t, testQueue(), testQueue().Element(), ParseQueue) })
	t.Run("ReasonCode", func(t *testing.T) {
		rc := testReasonCode()
		rc.SystemCode = true
		roundTrip(t, rc, rc.Element("ReasonCode"), ParseReasonCode)
	})
	t.Run("WrapUpReason", func(t *testing.T) {
		roundTrip(t, testWrapUpReason(), testWrapUpReason().Element(), ParseWrapUpReason)
	})
	t.Run("PhoneBook", func(t *testing.T) { roundTrip(t, testPhoneBook(), testPhoneBook().Element(), ParsePhoneBook) })
	t.Run("Contact", func(t *testing.T) { roundTrip(t, testContact(), testContact().Element(), ParseContact) })
	t.Run("SystemInfo", func(t *testing.T) {
		roundTrip(t, testSystemInfo(), testSystemInfo().Element("SystemInfo"), ParseSystemInfo)
	})
	t.Run("SingleNodeSystemInfo", func(t *testing.T) {
		s := testSystemInfo()
		s.SecondaryNode = NodeInfo{}
		roundTrip(t, s, s.Element("systemInfo"), ParseSystemInfo)
	})
	t.Run("Dialog", func(t *testing.T) { roundTrip(t, testDialog(), testDialog().Element("Dialog"), ParseDialog) })
	t.Run("ApiErrors", func(t *testing.T) {
		roundTrip(t, testAPIErrors(), APIErrorsElement(testAPIErrors()...), ParseAPIErrors)
	})
	t.Run("ErrorUpdate", func(t *testing.T) {
		u := Update{Event: EventPut, RequestID: "req-1", Source: testUser().URI(), Errors: testAPIErrors()}
		roundTrip(t, u, u.Element(), ParseUpdate)
	})
}

// An Update's Data is an element tree, whose internals DeepEqual would
// compare, so the success Update is compared field by field and its Data by
// rendering and by the User it holds.
func TestRoundTripSuccessUpdate(t *testing.T) {
	want := Update{Event: EventPut, RequestID: "req-2", Source: testUser().URI(), Data: testUser().Element("user")}
	root, err := ParseRoot(Marshal(want.Element()), "Update")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseUpdate(root)
	if err != nil {
		t.Fatal(err)
	}
	if got.Event != want.Event || got.RequestID != want.RequestID || got.Source != want.Source || got.Errors != nil {
		t.Errorf("ParseUpdate = %+v, want %+v", got, want)
	}
	if got.Data == nil || got.Data.Parent() != nil {
		t.Fatalf("Data = %v, want a detached copy of <user>", got.Data)
	}
	if g, w := Marshal(got.Data), Marshal(want.Data); !bytes.Equal(g, w) {
		t.Errorf("Data = %s, want %s", g, w)
	}
	user, err := ParseUser(got.Data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(user, testUser()) {
		t.Errorf("user in Data = %+v, want %+v", user, testUser())
	}
}

func TestParseUpdateEmptyData(t *testing.T) {
	root, err := ParseRoot([]byte(`<Update><data/><event>DELETE</event><requestId/><source>/finesse/api/Dialog/1</source></Update>`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseUpdate(root)
	want := Update{Event: EventDelete, Source: "/finesse/api/Dialog/1"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ParseUpdate = %+v, %v; want %+v", got, err, want)
	}
}

// Rendering must not take Data away from the caller or from an Update
// element rendered earlier.
func TestUpdateElementLeavesDataAlone(t *testing.T) {
	u := Update{Event: EventPut, Source: testUser().URI(), Data: testUser().Element("user")}
	first := u.Element()
	before := Marshal(first)
	second := u.Element()
	if after := Marshal(first); !bytes.Equal(after, before) {
		t.Errorf("second Element changed the first:\n got %s\nwant %s", after, before)
	}
	if !bytes.Equal(Marshal(second), before) {
		t.Errorf("second Element = %s, want %s", Marshal(second), before)
	}
	if u.Data.Parent() != nil {
		t.Error("Element attached the caller's Data to its tree")
	}
}

func TestParseAPIErrorsBothShapes(t *testing.T) {
	want := []APIError{{Type: "Invalid Input", Message: "state", Data: "BOGUS", Media: "2"}}
	for _, doc := range []string{
		`<ApiErrors><ApiError><ErrorData>BOGUS</ErrorData><ErrorMedia>2</ErrorMedia><ErrorMessage>state</ErrorMessage><ErrorType>Invalid Input</ErrorType></ApiError></ApiErrors>`,
		`<apiErrors><apiError><errorType>Invalid Input</errorType><errorMessage>state</errorMessage><errorData>BOGUS</errorData><errorMedia>2</errorMedia></apiError></apiErrors>`,
	} {
		root, err := ParseRoot([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseAPIErrors(root)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("ParseAPIErrors(%s) = %+v, %v; want %+v", doc, got, err, want)
		}
	}
}

// Indented renders what MarshalIndent of Element renders, and leaves Data
// as the caller had it.
func TestUpdateIndentedLeavesDataAlone(t *testing.T) {
	u := Update{Event: EventPut, RequestID: "r", Source: testUser().URI(), Data: testUser().Element("user")}
	want := MarshalIndent(u.Element())
	if got := u.Indented(); !bytes.Equal(got, want) {
		t.Errorf("Indented = %s, want %s", got, want)
	}
	if u.Data.Parent() != nil {
		t.Error("Indented left the caller's Data in its tree")
	}
	if got := u.Indented(); !bytes.Equal(got, want) {
		t.Errorf("Indented a second time = %s, want %s", got, want)
	}
}

// A mobile agent's User carries mobileAgent, after mediaType as the
// alphabetical order puts it, and reads back the same.
func TestRoundTripMobileAgent(t *testing.T) {
	u := testUser()
	u.MobileAgent = &MobileAgent{Mode: MobileNailed, DialNumber: "+15550100"}
	roundTrip(t, u, u.Element("User"), ParseUser)
	req, err := ParseUserRequest([]byte("<User><state>LOGIN</state><extension>3005</extension><mobileAgent><mode>CALL_BY_CALL</mode><dialNumber>5550123</dialNumber></mobileAgent></User>"))
	if err != nil || req.MobileAgent == nil || *req.MobileAgent != (MobileAgent{Mode: MobileCallByCall, DialNumber: "5550123"}) {
		t.Fatalf("request %+v, %v", req, err)
	}
}

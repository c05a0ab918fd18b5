package model

import (
	"reflect"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// checkAlphabetical fails t for every element below el whose children are
// not in case-insensitive alphabetical order. Adjacent children with the same
// tag are list items and may repeat.
func checkAlphabetical(t *testing.T, el *etree.Element) {
	t.Helper()
	children := el.ChildElements()
	for i := 1; i < len(children); i++ {
		prev, cur := children[i-1].Tag, children[i].Tag
		if prev != cur && strings.ToLower(prev) >= strings.ToLower(cur) {
			t.Errorf("<%s>: <%s> before <%s>", el.GetPath(), prev, cur)
		}
	}
	for _, child := range children {
		checkAlphabetical(t, child)
	}
}

func TestChildrenAlphabetical(t *testing.T) {
	success := Update{Event: EventPut, RequestID: "req-1", Source: testUser().URI(), Data: testUser().Element("user")}
	for name, el := range map[string]*etree.Element{
		"User":         testUser().Element("User"),
		"Team":         testTeam().Element(),
		"Queue":        testQueue().Element(),
		"ReasonCode":   testReasonCode().Element("ReasonCode"),
		"WrapUpReason": testWrapUpReason().Element(),
		"PhoneBook":    testPhoneBook().Element(),
		"Contact":      testContact().Element(),
		"SystemInfo":   testSystemInfo().Element("SystemInfo"),
		"Dialog":       testDialog().Element("Dialog"),
		"ApiErrors":    APIErrorsElement(testAPIErrors()...),
		"Update":       success.Element(),
	} {
		t.Run(name, func(t *testing.T) {
			if len(el.ChildElements()) == 0 {
				t.Fatal("no children to check")
			}
			checkAlphabetical(t, el)
		})
	}
}

// An error Update is the one document not in alphabetical order, because a
// live Finesse 12.5 server sends it this way.
func TestErrorUpdateOrder(t *testing.T) {
	errs := []APIError{{Type: "Invalid State", Message: "CF_INVALID_STATE", Data: "1"}}
	el := Update{Event: EventPut, RequestID: "req-1", Source: testUser().URI(), Errors: errs}.Element()
	if got, want := tags(el), []string{"data", "requestId", "source", "event"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Update children = %v, want %v", got, want)
	}
	if got := childText(el, "event"); got != "put" {
		t.Errorf("event = %q, want %q", got, "put")
	}
	apiError := el.FindElement("data/apiErrors/apiError")
	if apiError == nil {
		t.Fatal("no data/apiErrors/apiError")
	}
	if got, want := tags(apiError), []string{"errorType", "errorMessage", "errorData"}; !reflect.DeepEqual(got, want) {
		t.Errorf("apiError children = %v, want %v", got, want)
	}
}

// An Invalid Device refusal carries the phone system's account after the
// usual three, as real UCCE captures show, and reads back the same.
func TestPeripheralErrorOrder(t *testing.T) {
	errs := []APIError{{Type: "Invalid Device", Message: "CF_INVALID_LOGON_DEVICE_SPECIFIED", Data: "260",
		Peripheral: PeripheralError{Code: "0", Text: "Invalid Device", Msg: "no such device"}}}
	u := Update{Event: EventPut, RequestID: "req-1", Source: testUser().URI(), Errors: errs}
	apiError := u.Element().FindElement("data/apiErrors/apiError")
	want := []string{"errorType", "errorMessage", "errorData", "peripheralErrorCode", "peripheralErrorText", "peripheralErrorMsg"}
	if got := tags(apiError); !reflect.DeepEqual(got, want) {
		t.Errorf("apiError children = %v, want %v", got, want)
	}
	roundTrip(t, u, u.Element(), ParseUpdate)
}

// The refusal of a Dialog action comes, in real UCCE captures, in the
// order of a success Update.
func TestActionRefusalOrder(t *testing.T) {
	errs := []APIError{{Type: "Generic Error", Message: "INVALID_ACTION HOLD on extension 3001", Data: "3001"}}
	el := Update{Event: EventPut, RequestID: "req-1", Source: "/finesse/api/Dialog/7", Errors: errs, ActionRefusal: true}.Element()
	if got, want := tags(el), []string{"data", "event", "requestId", "source"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Update children = %v, want %v", got, want)
	}
	if got := childText(el, "event"); got != "put" {
		t.Errorf("event = %q, want %q", got, "put")
	}
}

// tags lists the tags of el's children in order.
func tags(el *etree.Element) []string {
	var out []string
	for _, child := range el.ChildElements() {
		out = append(out, child.Tag)
	}
	return out
}

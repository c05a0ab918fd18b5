package model

import (
	"reflect"
	"testing"

	"github.com/beevik/etree"
)

// A request body comes straight from an HTTP client, so its parsers must
// survive anything. What they accept must also mean the same once written
// out again: a value that changes on the way back was read from something
// other than what the document says.

// requestParsers are the REST request-body parsers, each with a renderer
// that writes the value it returned back as a request body.
var requestParsers = []struct {
	name  string
	check func(t *testing.T, body []byte)
}{
	{"User", func(t *testing.T, body []byte) {
		checkRequest(t, body, ParseUserRequest, func(r UserRequest) *etree.Element {
			el := etree.NewElement("User")
			addText(el, "state", string(r.State))
			addText(el, "extension", r.Extension)
			addText(el, "reasonCodeId", r.ReasonCodeID)
			return el
		})
	}},
	{"Dialog", func(t *testing.T, body []byte) {
		checkRequest(t, body, ParseDialogRequest, func(r DialogRequest) *etree.Element {
			el := etree.NewElement("Dialog")
			addText(el, "requestedAction", r.RequestedAction)
			addText(el, "targetMediaAddress", r.TargetMediaAddress)
			addText(el, "fromAddress", r.FromAddress)
			addText(el, "toAddress", r.ToAddress)
			if r.ActionParams != nil {
				params := el.CreateElement("actionParams")
				for _, p := range r.ActionParams {
					ap := params.CreateElement("ActionParam")
					addText(ap, "name", p.Name)
					addText(ap, "value", p.Value)
				}
			}
			if mp := r.MediaProperties; mp != nil {
				mpEl := el.CreateElement("mediaProperties")
				if mp.HasWrapUpReason {
					addText(mpEl, "wrapUpReason", mp.WrapUpReason)
				}
				if mp.CallVariables != nil {
					mpEl.AddChild(SimCall{Variables: mp.CallVariables}.Element().SelectElement("callvariables"))
				}
			}
			return el
		})
	}},
	{"Call", func(t *testing.T, body []byte) {
		checkRequest(t, body, ParseSimCallRequest, SimCall.Element)
	}},
	{"Clock", func(t *testing.T, body []byte) {
		// rest's POST /acd/Clock reads the root itself.
		if root, err := ParseRoot(body, "Clock"); err == nil && root.Tag != "Clock" {
			t.Fatalf("ParseRoot accepted <%s> for <Clock>", root.Tag)
		}
	}},
}

// checkRequest parses body and, when it is accepted, parses the value
// rendered back and wants the same value.
func checkRequest[T any](t *testing.T, body []byte, parse func([]byte) (T, error), render func(T) *etree.Element) {
	t.Helper()
	got, err := parse(body)
	if err != nil {
		return
	}
	again := Marshal(render(got))
	back, err := parse(again)
	if err != nil {
		t.Fatalf("%q parsed as %+v, which renders as %q and fails: %v", body, got, again, err)
	}
	if !reflect.DeepEqual(got, back) {
		t.Fatalf("%q parsed as\n%+v\nrendered %q parsed as\n%+v", body, got, again, back)
	}
}

// FuzzRequest feeds the REST request-body parsers; the first byte picks
// the parser.
func FuzzRequest(f *testing.F) {
	for i, body := range []string{
		`<User><state>NOT_READY</state><reasonCodeId>22</reasonCodeId></User>`,
		`<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>5001</fromAddress><toAddress>5002</toAddress>` +
			`<actionParams><ActionParam><name>x</name><value>y</value></ActionParam></actionParams>` +
			`<mediaProperties><wrapUpReason>done</wrapUpReason><callvariables><CallVariable><name>callVariable1</name><value>v</value></CallVariable></callvariables></mediaProperties></Dialog>`,
		`<Call><queue>Billing</queue><ani>5551234</ani><dnis>8000</dnis><preroute>true</preroute><callvariables><CallVariable><name>a</name><value>b</value></CallVariable></callvariables></Call>`,
		`<Clock><advance>PT5S</advance></Clock>`,
	} {
		f.Add(byte(i), []byte(body))
	}
	f.Fuzz(func(t *testing.T, which byte, body []byte) {
		requestParsers[int(which)%len(requestParsers)].check(t, body)
	})
}

// resourceParsers are the parsers of what the server sends (the CLI and
// the test clients read it with them), each with the renderer of the same
// shape.
var resourceParsers = []func(t *testing.T, root *etree.Element){
	func(t *testing.T, root *etree.Element) {
		checkResource(t, root, ParseUser, func(u User) *etree.Element { return u.Element(root.Tag) })
	},
	func(t *testing.T, root *etree.Element) { checkResource(t, root, ParseTeam, Team.Element) },
	func(t *testing.T, root *etree.Element) { checkResource(t, root, ParseQueue, Queue.Element) },
	func(t *testing.T, root *etree.Element) {
		checkResource(t, root, ParseReasonCode, func(r ReasonCode) *etree.Element { return r.Element(root.Tag) })
	},
	func(t *testing.T, root *etree.Element) {
		checkResource(t, root, ParseWrapUpReason, WrapUpReason.Element)
	},
	func(t *testing.T, root *etree.Element) { checkResource(t, root, ParsePhoneBook, PhoneBook.Element) },
	func(t *testing.T, root *etree.Element) { checkResource(t, root, ParseContact, Contact.Element) },
	func(t *testing.T, root *etree.Element) {
		checkResource(t, root, ParseSystemInfo, func(s SystemInfo) *etree.Element { return s.Element(root.Tag) })
	},
	func(t *testing.T, root *etree.Element) {
		checkResource(t, root, ParseDialog, func(d Dialog) *etree.Element { return d.Element(root.Tag) })
	},
	func(t *testing.T, root *etree.Element) {
		checkResource(t, root, ParseAPIErrors, func(errs []APIError) *etree.Element { return APIErrorsElement(errs...) })
	},
	func(t *testing.T, root *etree.Element) { checkResource(t, root, ParseUpdate, Update.Element) },
}

// checkResource parses root; once a value has been rendered and read back,
// doing so again must not change it. The first pass may normalise (a
// parser reads only the fields it knows, and the renderer writes them in
// its own form), so it is the second that has to be stable.
func checkResource[T any](t *testing.T, root *etree.Element, parse func(*etree.Element) (T, error), render func(T) *etree.Element) {
	t.Helper()
	v, err := parse(root)
	if err != nil {
		return
	}
	once := reparse(t, v, parse, render)
	twice := reparse(t, once, parse, render)
	if a, b := Marshal(render(once)), Marshal(render(twice)); string(a) != string(b) {
		t.Fatalf("%s: not stable after a round trip:\n%s\n%s", Marshal(root), a, b)
	}
}

func reparse[T any](t *testing.T, v T, parse func(*etree.Element) (T, error), render func(T) *etree.Element) T {
	t.Helper()
	data := Marshal(render(v))
	root, err := ParseRoot(data)
	if err != nil {
		t.Fatalf("rendered %s does not read back: %v", data, err)
	}
	back, err := parse(root)
	if err != nil {
		t.Fatalf("rendered %s does not parse back: %v", data, err)
	}
	return back
}

// FuzzResource feeds the parsers of server documents; the first byte
// picks the parser.
func FuzzResource(f *testing.F) {
	u := Update{Event: EventPut, RequestID: "r1", Source: testUser().URI(), Data: testUser().Element("user")}
	for i, el := range []*etree.Element{
		testUser().Element("User"),
		testTeam().Element(),
		testQueue().Element(),
		testReasonCode().Element("ReasonCode"),
		testWrapUpReason().Element(),
		testPhoneBook().Element(),
		testContact().Element(),
		testSystemInfo().Element("SystemInfo"),
		testDialog().Element("Dialog"),
		APIErrorsElement(testAPIErrors()...),
		u.Element(),
	} {
		f.Add(byte(i), Marshal(el))
	}
	f.Fuzz(func(t *testing.T, which byte, body []byte) {
		root, err := ParseRoot(body)
		if err != nil {
			return
		}
		resourceParsers[int(which)%len(resourceParsers)](t, root)
	})
}

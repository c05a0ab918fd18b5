package model

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// TestParseBadValues checks that a value that does not parse fails the whole
// parse with an error that names the resource and the field.
func TestParseBadValues(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		parse func(*etree.Element) error
		want  string
	}{
		{"User wrapUpTimer", `<User><loginId>1001</loginId><wrapUpTimer>soon</wrapUpTimer></User>`,
			errOf(ParseUser),
			"parse User 1001: wrapUpTimer: "},
		{"User stateChangeTime", `<User><loginId>1001</loginId><stateChangeTime>yesterday</stateChangeTime></User>`,
			errOf(ParseUser),
			"parse User 1001: stateChangeTime: "},
		{"User ReasonCode code", `<User><loginId>1001</loginId><ReasonCode><code>x</code><id>7</id></ReasonCode></User>`,
			errOf(ParseUser),
			"parse User 1001: parse ReasonCode 7: code: "},
		{"ReasonCode forAll", `<ReasonCode><forAll>maybe</forAll><id>7</id></ReasonCode>`,
			errOf(ParseReasonCode),
			"parse ReasonCode 7: forAll: "},
		{"WrapUpReason forAll", `<WrapUpReason><forAll>maybe</forAll><uri>/finesse/api/WrapUpReason/3</uri></WrapUpReason>`,
			errOf(ParseWrapUpReason),
			"parse WrapUpReason 3: forAll: "},
		{"Team user time", `<Team><id>5</id><users><User><loginId>1001</loginId><stateChangeTime>x</stateChangeTime></User></users></Team>`,
			errOf(ParseTeam),
			"parse Team 5: user 1001: stateChangeTime: "},
		{"Queue counter", `<Queue><statistics><callsInQueue>many</callsInQueue></statistics><uri>/finesse/api/Queue/17</uri></Queue>`,
			errOf(ParseQueue),
			"parse Queue 17: statistics: callsInQueue: "},
		{"Queue time", `<Queue><statistics><startTimeOfLongestCallInQueue>2024-05-06 07:08:09</startTimeOfLongestCallInQueue></statistics><uri>/finesse/api/Queue/17</uri></Queue>`,
			errOf(ParseQueue),
			"parse Queue 17: statistics: startTimeOfLongestCallInQueue: "},
		{"SystemInfo timezoneOffset", `<SystemInfo><timezoneOffset>+1h</timezoneOffset></SystemInfo>`,
			errOf(ParseSystemInfo),
			"parse SystemInfo: timezoneOffset: "},
		{"Dialog participant", `<Dialog><id>9</id><participants><Participant><mediaAddress>5001</mediaAddress><startTime>now</startTime></Participant></participants></Dialog>`,
			errOf(ParseDialog),
			"parse Dialog 9: participant 5001: startTime: "},
		{"Contact uri", `<Contact><uri>/finesse/api/User/1001</uri></Contact>`,
			errOf(ParseContact),
			"parse Contact: uri "},
		{"ApiErrors root", `<Errors/>`,
			errOf(ParseAPIErrors),
			"parse ApiErrors: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root, err := ParseRoot([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			err = tt.parse(root)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestParseBadNumberKeepsCause(t *testing.T) {
	root, err := ParseRoot([]byte(`<User><loginId>1001</loginId><wrapUpTimer>soon</wrapUpTimer></User>`))
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseUser(root)
	if numErr := (*strconv.NumError)(nil); !errors.As(err, &numErr) {
		t.Errorf("err = %v, want a *strconv.NumError inside", err)
	}
}

// errOf adapts a Parse function for tables that only look at the error.
func errOf[T any](parse func(*etree.Element) (T, error)) func(*etree.Element) error {
	return func(el *etree.Element) error {
		_, err := parse(el)
		return err
	}
}

// Optional elements may be missing: a bare element parses to zero values.
func TestParseMissingOptional(t *testing.T) {
	root, err := ParseRoot([]byte(`<User><loginId>1001</loginId><state>READY</state></User>`))
	if err != nil {
		t.Fatal(err)
	}
	u, err := ParseUser(root)
	if err != nil || u.ID != "1001" || u.State != StateReady || u.ReasonCode != nil || u.Teams != nil || u.WrapUpTimer != 0 {
		t.Errorf("ParseUser = %+v, %v", u, err)
	}
	for doc, parse := range map[string]func(*etree.Element) error{
		`<Queue/>`:      errOf(ParseQueue),
		`<Dialog/>`:     errOf(ParseDialog),
		`<SystemInfo/>`: errOf(ParseSystemInfo),
		`<Contact/>`:    errOf(ParseContact),
		`<Team/>`:       errOf(ParseTeam),
		`<Update/>`:     errOf(ParseUpdate),
		`<ApiErrors/>`:  errOf(ParseAPIErrors),
	} {
		root, err := ParseRoot([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := parse(root); err != nil {
			t.Errorf("parse %s: %v", doc, err)
		}
	}
}

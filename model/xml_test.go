package model

import (
	"errors"
	"testing"
)

func TestParseRoot(t *testing.T) {
	for _, doc := range []string{
		`<User/>`,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<User/>\n",
		`<!-- before --><User><state>READY</state></User><!-- after -->`,
	} {
		if root, err := ParseRoot([]byte(doc), "User"); err != nil || root.Tag != "User" {
			t.Errorf("ParseRoot(%q) = %v, %v; want <User>", doc, root, err)
		}
	}
}

func TestParseRootRejects(t *testing.T) {
	for name, doc := range map[string]string{
		"empty":                 ``,
		"whitespace":            " \n",
		"unclosed":              `<User><state>READY</state>`,
		"mismatched":            `<User><state>READY</User></state>`,
		"stray end tag":         `<User/></User>`,
		"trailing text":         `<User/>garbage`,
		"trailing element":      `<User/><User/>`,
		"leading text":          `garbage<User/>`,
		"undefined entity":      `<User>&bogus;</User>`,
		"wrong root":            `<Team/>`,
		"wrong root case":       `<user/>`,
		"not XML":               `{"state":"READY"}`,
		"trailing after closed": `<User><state>READY</state></User>x`,
	} {
		if _, err := ParseRoot([]byte(doc), "User"); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: ParseRoot(%q) err = %v, want ErrMalformed", name, doc, err)
		}
	}
}

func TestParseRootAnyName(t *testing.T) {
	if root, err := ParseRoot([]byte(`<Team/>`)); err != nil || root.Tag != "Team" {
		t.Errorf("ParseRoot without names = %v, %v; want <Team>", root, err)
	}
	if root, err := ParseRoot([]byte(`<user/>`), "User", "user"); err != nil || root.Tag != "user" {
		t.Errorf("ParseRoot with second name = %v, %v; want <user>", root, err)
	}
}

func TestParseUserRequest(t *testing.T) {
	tests := []struct {
		body string
		want UserRequest
	}{
		{`<User><state>NOT_READY</state><reasonCodeId>22</reasonCodeId></User>`,
			UserRequest{State: StateNotReady, ReasonCodeID: "22"}},
		{`<User><state>LOGIN</state><extension>5001</extension></User>`,
			UserRequest{State: StateLogin, Extension: "5001"}},
		{`<User><state>READY</state></User>`, UserRequest{State: StateReady}},
	}
	for _, tt := range tests {
		got, err := ParseUserRequest([]byte(tt.body))
		if err != nil || got != tt.want {
			t.Errorf("ParseUserRequest(%s) = %+v, %v; want %+v", tt.body, got, err, tt.want)
		}
	}
}

func TestParseUserRequestRejects(t *testing.T) {
	for name, body := range map[string]string{
		"malformed":  `<User><state>READY</state>`,
		"wrong root": `<Team><state>READY</state></Team>`,
		"empty":      ``,
	} {
		if _, err := ParseUserRequest([]byte(body)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

func TestParseTimeUTC(t *testing.T) {
	got, err := ParseTime(FormatTime(testTime1))
	if err != nil || !got.Equal(testTime1) || got.Location() != testTime1.Location() {
		t.Errorf("ParseTime(FormatTime(%v)) = %v, %v", testTime1, got, err)
	}
	if got, err := ParseTime(""); err != nil || !got.IsZero() {
		t.Errorf("ParseTime(\"\") = %v, %v; want the zero time", got, err)
	}
}

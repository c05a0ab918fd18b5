package conformance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const invalidState = `<ApiErrors><ApiError><ErrorData>state</ErrorData><ErrorMessage>Invalid State specified for user</ErrorMessage><ErrorType>Invalid Input</ErrorType></ApiError></ApiErrors>`

// A refusal reads as one line: the <ApiErrors> a server sends, in either
// shape, as "type: data (message)"; any other body by its status text and
// first line, never its markup.
func TestHTTPErrorIsOneLine(t *testing.T) {
	for _, c := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"ApiErrors", 400, invalidState, "PUT /finesse/api/User/1001: 400 Invalid Input: state (Invalid State specified for user)"},
		{"several", 400, `<ApiErrors><ApiError><ErrorType>Invalid Input</ErrorType><ErrorData>state</ErrorData></ApiError>` +
			`<ApiError><ErrorType>Invalid Input</ErrorType><ErrorMessage>no extension</ErrorMessage></ApiError></ApiErrors>`,
			"PUT /finesse/api/User/1001: 400 Invalid Input: state; Invalid Input (no extension)"},
		{"an error Update's shape", 400, `<apiErrors><apiError><errorType>Invalid State</errorType><errorMessage>CF_INVALID_STATE</errorMessage><errorData>6</errorData></apiError></apiErrors>`,
			"PUT /finesse/api/User/1001: 400 Invalid State: 6 (CF_INVALID_STATE)"},
		{"text", 404, "404 page not found\n", "PUT /finesse/api/User/1001: 404 Not Found: 404 page not found"},
		{"other XML", 500, "<html><body>\n<h1>oops</h1></body></html>", "PUT /finesse/api/User/1001: 500 Internal Server Error"},
		{"no body", 401, "", "PUT /finesse/api/User/1001: 401 Unauthorized"},
		{"a long line", 502, strings.Repeat("x", 300) + "\nmore", "PUT /finesse/api/User/1001: 502 Bad Gateway: " + strings.Repeat("x", 200) + "..."},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := &HTTPError{Method: "PUT", Path: "/finesse/api/User/1001", StatusCode: c.status, Body: []byte(c.body)}
			if got := err.Error(); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// A step whose request is refused with <ApiErrors> says why on its error
// line, beside the status.
func TestRefusedStepSaysWhy(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(invalidState))
	}))
	defer srv.Close()
	sc, err := Parse([]byte(`
name: A bogus state
steps:
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    body: <User><state>BOGUS</state></User>
    status: 202
`))
	if err != nil {
		t.Fatal(err)
	}
	res := Target{REST: srv.URL, Password: "finesse"}.Run(context.Background(), sc)
	want := "status 400, want 202: Invalid Input: state (Invalid State specified for user)"
	if len(res.Steps) != 1 || res.Steps[0].Err == nil || res.Steps[0].Err.Error() != want {
		t.Fatalf("steps %+v, want one failing with %q", res.Steps, want)
	}
}

package conformance

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/finessed/finessed/model"
)

// HTTPError is a request the server refused. Its message is one line for
// a person, such as
//
//	PUT /finesse/api/User/1001: 400 Invalid Input: state (Invalid State specified for user)
//
// rather than the XML the server answered with.
type HTTPError struct {
	Method, Path string
	StatusCode   int
	Body         []byte
}

func (e *HTTPError) Error() string {
	return e.Method + " " + e.Path + ": " + Refusal(e.StatusCode, e.Body)
}

// Refusal says in one line why a server answered status with body: the
// status code and, from an <ApiErrors> body, each error as "type: data
// (message)"; from any other body, the status text and the body's first
// line.
func Refusal(status int, body []byte) string {
	if errs := apiErrors(body); errs != "" {
		return fmt.Sprintf("%d %s", status, errs)
	}
	line := fmt.Sprintf("%d %s", status, http.StatusText(status))
	if first, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n"); first != "" && !strings.HasPrefix(first, "<") {
		const most = 200
		if len(first) > most {
			first = first[:most] + "..."
		}
		line += ": " + strings.TrimSpace(first)
	}
	return line
}

// apiErrors is an <ApiErrors> body as one line, each error "type: data
// (message)" and several joined by "; ", or "" for any other body.
func apiErrors(body []byte) string {
	root, err := model.ParseRoot(body)
	if err != nil {
		return ""
	}
	errs, err := model.ParseAPIErrors(root)
	if err != nil {
		return ""
	}
	var parts []string
	for _, e := range errs {
		part := e.Type
		if e.Data != "" && part != "" {
			part += ": "
		}
		part += e.Data
		if e.Message != "" {
			part += " (" + e.Message + ")"
		}
		parts = append(parts, strings.TrimSpace(part))
	}
	return strings.Join(parts, "; ")
}

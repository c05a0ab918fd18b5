package rest

import (
	"net/http"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// postClock moves the test clock on, firing every timer that comes due
// (ring-no-answer, wrap-up, the desktop grace, queue statistics), so that
// scenarios need not wait for them: <Clock><advance>15s</advance></Clock>.
// A server without a test clock answers 404, as if the resource did not
// exist, which is how a scenario knows to skip.
func (s *Server) postClock(w http.ResponseWriter, r *http.Request) {
	clock := s.engine.TestClock()
	if clock == nil {
		writeError(w, r, fail(errRouteNotFound, r.URL.Path, "no test clock: start finessed with -test-clock"))
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	root, err := model.ParseRoot(body, "Clock")
	if err != nil {
		writeError(w, r, fail(errMalformed, "Clock", err.Error()))
		return
	}
	el := root.SelectElement("advance")
	if el == nil {
		writeError(w, r, &acd.RequestError{Kind: acd.ErrParameterMissing, Field: "advance", Detail: "how far to move the clock, as 15s or 2m"})
		return
	}
	d, err := time.ParseDuration(strings.TrimSpace(el.Text()))
	if err != nil || d < 0 {
		writeError(w, r, &acd.RequestError{Kind: acd.ErrInvalidInput, Field: "advance", Detail: "a duration such as 15s, not negative"})
		return
	}
	clock.Advance(d)
	out := etree.NewElement("Clock")
	out.CreateElement("now").SetText(model.FormatTime(clock.Now()))
	writeXML(w, http.StatusOK, out)
}

// postReset ends every call, signs every agent out and takes back every
// team message, so that a recorded flow can be replayed on the same server
// (finesse replay -reset). Like the clock it exists only on a server with
// a test clock: elsewhere it would be a way to sign a whole contact centre
// out.
func (s *Server) postReset(w http.ResponseWriter, r *http.Request) {
	if s.engine.TestClock() == nil {
		writeError(w, r, fail(errRouteNotFound, r.URL.Path, "no test clock: start finessed with -test-clock"))
		return
	}
	if err := s.engine.Reset(r.Context()); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

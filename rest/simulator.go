package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The simulator's own API under /acd/: what the phone system behind a
// Finesse server would do, driven by scripts and tests with administrator
// credentials.

const simPrefix = "/acd/"

// adminOnly lets on only administrators' requests: no agent or supervisor
// drives the phone system.
func adminOnly(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := directory.AuthorizeAdmin(actor(r)); err != nil {
			writeError(w, r, err)
			return
		}
		next(w, r)
	})
}

func simCall(c acd.Call) model.SimCall {
	return model.SimCall{
		ID: c.ID, Queue: c.Queue, ANI: c.ANI, DNIS: c.DNIS, Preroute: c.Preroute,
		State: string(c.State), DialogID: c.DialogID, Agent: c.Agent, DTMF: c.DTMF, Variables: c.Variables,
	}
}

// postCall brings a customer call into a queue: 201 with the Call and its
// Location.
func (s *Server) postCall(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := model.ParseSimCallRequest(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "Call", err.Error()))
		return
	}
	if err := checkSimCall(req); err != nil {
		writeError(w, r, err)
		return
	}
	if req.Queue == "" && req.DNIS == "" {
		writeError(w, r, &acd.RequestError{Kind: acd.ErrParameterMissing, Field: "queue", Detail: "the queue, or a dnis that is a queue's dialed number, is required"})
		return
	}
	call, err := s.engine.InjectCall(r.Context(), acd.CallRequest{
		Queue: req.Queue, ANI: req.ANI, DNIS: req.DNIS, Variables: req.Variables, Preroute: req.Preroute,
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.SimCallURI(call.ID))
	writeXML(w, http.StatusCreated, simCall(call).Element())
}

func (s *Server) getCall(w http.ResponseWriter, r *http.Request) {
	call, found, err := s.engine.Call(r.Context(), mux.Vars(r)["id"])
	if err == nil && !found {
		err = notFound("call", mux.Vars(r)["id"])
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, simCall(call).Element())
}

func (s *Server) getCalls(w http.ResponseWriter, r *http.Request) {
	calls, err := s.engine.Calls(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := make([]model.SimCall, 0, len(calls))
	for _, c := range calls {
		out = append(out, simCall(c))
	}
	writeXML(w, http.StatusOK, model.SimCallsElement(out))
}

// deleteCall hangs the customer up.
func (s *Server) deleteCall(w http.ResponseWriter, r *http.Request) {
	call, err := s.engine.HangUpCall(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, simCall(call).Element())
}

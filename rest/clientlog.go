package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/model"
)

// postClientLog keeps the log a user's desktop sends (the finesse.js
// ClientLog): 202, and a notification on the user's ClientLog node.
func (s *Server) postClientLog(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	data, err := model.ParseClientLog(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "ClientLog", err.Error()))
		return
	}
	err = s.engine.PostClientLog(r.Context(), actor(r), mux.Vars(r)["id"], data, r.Header.Get("requestId"))
	accepted(w, r, err)
}

// getClientLogs lists, for an administrator, the logs this node took from
// a user's desktops.
func (s *Server) getClientLogs(w http.ResponseWriter, r *http.Request) {
	logs, err := s.engine.ClientLogs(actor(r), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	entries := make([]model.ClientLogEntry, len(logs))
	for i, l := range logs {
		entries[i] = model.ClientLogEntry{Received: l.Received, Data: l.Data}
	}
	user := mux.Vars(r)["id"]
	if len(logs) > 0 {
		user = logs[0].User
	}
	writeXML(w, http.StatusOK, model.ClientLogsElement(user, entries))
}

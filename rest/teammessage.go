package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// postTeamMessage broadcasts a supervisor's message to its teams: 200
// with an empty body and the message's Location, as Finesse answers a
// create; the teams' desktops are told on their TeamMessages nodes.
func (s *Server) postTeamMessage(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := model.ParseTeamMessageRequest(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "TeamMessage", err.Error()))
		return
	}
	id, err := s.engine.PostTeamMessage(r.Context(), actor(r), acd.TeamMessageRequest{
		Duration: req.Duration, Content: req.Content, Teams: req.Teams, RequestID: r.Header.Get("requestId"),
	})
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.TeamMessageURI(id))
	w.WriteHeader(http.StatusOK)
}

// getTeamMessages lists the messages the caller may read that have not
// expired, oldest first.
func (s *Server) getTeamMessages(w http.ResponseWriter, r *http.Request) {
	ms, err := s.engine.TeamMessages(r.Context(), actor(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.TeamMessagesElement(ms))
}

func (s *Server) deleteTeamMessage(w http.ResponseWriter, r *http.Request) {
	err := s.engine.DeleteTeamMessage(r.Context(), actor(r), mux.Vars(r)["id"], r.Header.Get("requestId"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

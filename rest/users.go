package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

func (s *Server) getUser(w http.ResponseWriter, r *http.Request) {
	u, err := s.engine.User(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, u.Element("User"))
}

// putUser signs in, signs out or changes state. It answers 202 with an
// empty body; the outcome is an event on the user's node.
func (s *Server) putUser(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := model.ParseUserRequest(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "User", err.Error()))
		return
	}
	id := s.userID(r)
	err = s.engine.ChangeState(changeContext(r, body, id), actor(r), acd.StateRequest{
		AgentID: id, State: req.State, Extension: req.Extension,
		ReasonCodeID: req.ReasonCodeID, RequestID: r.Header.Get("requestId"), Mobile: req.MobileAgent,
	})
	accepted(w, r, err)
}

// userID is the loginId of the user the path names: by loginId, or by
// loginName as GET takes it (the directory keeps the two apart), so that
// a script may GET and then PUT a user by the same name.
func (s *Server) userID(r *http.Request) string {
	id := mux.Vars(r)["id"]
	if u, ok := s.engine.Directory().User(id); ok {
		return u.ID
	}
	return id
}

func (s *Server) getUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.engine.Users(r.Context(), actor(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.UsersElement(users))
}

func (s *Server) getUserQueues(w http.ResponseWriter, r *http.Request) {
	queues, err := s.engine.UserQueues(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.QueuesElement(queues))
}

func (s *Server) getQueue(w http.ResponseWriter, r *http.Request) {
	q, err := s.engine.Queue(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, q.Element())
}

func (s *Server) getTeam(w http.ResponseWriter, r *http.Request) {
	t, err := s.engine.Team(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, t.Element())
}

func (s *Server) getTeams(w http.ResponseWriter, r *http.Request) {
	teams, err := s.engine.Teams(actor(r))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.TeamsElement(teams))
}

func (s *Server) getSystemInfo(w http.ResponseWriter, r *http.Request) {
	writeXML(w, http.StatusOK, s.engine.SystemInfo().Element("SystemInfo"))
}

// selfUser is the user named in the URI, which must be the caller (or the
// caller must be an administrator).
func (s *Server) selfUser(r *http.Request) (*acd.User, error) {
	id := mux.Vars(r)["id"]
	u, ok := s.engine.Directory().User(id)
	if !ok {
		return nil, &acd.RequestError{Kind: acd.ErrUserNotFound, Field: id, Detail: "no such user"}
	}
	if err := directory.AuthorizeSelf(actor(r), u); err != nil {
		return nil, err
	}
	return u, nil
}

// getUserHistory is the agent's My History since it signed in: its states
// and its calls.
func (s *Server) getUserHistory(w http.ResponseWriter, r *http.Request) {
	h, err := s.engine.UserHistory(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, h.Element())
}

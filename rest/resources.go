package rest

import (
	"net/http"

	"github.com/beevik/etree"
	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The configuration resources: reason codes, wrap-up reasons and phone
// books, seen whole by administrators, per user by the user itself and per
// team by the team's members and supervisors. They publish no events.

// category reads the required category query parameter; ALL is "".
func category(r *http.Request) (model.ReasonCategory, error) {
	c := r.URL.Query().Get("category")
	switch c {
	case "":
		return "", fail(errMissingQuery, "category", "the category query parameter is required")
	case "ALL":
		return "", nil
	case string(model.CategoryNotReady), string(model.CategoryLogout):
		return model.ReasonCategory(c), nil
	}
	return "", fail(errInvalidQuery, "category", "category must be NOT_READY, LOGOUT or ALL")
}

// answer writes el, or the error that stopped it from being built.
func answer(w http.ResponseWriter, r *http.Request, el *etree.Element, err error) {
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, el)
}

func notFound(what, id string) error {
	return &acd.RequestError{Kind: acd.ErrNotFound, Field: id, Detail: "no such " + what}
}

func (s *Server) getReasonCodes(w http.ResponseWriter, r *http.Request) {
	el, err := s.reasonCodes(r, directory.AuthorizeAdmin(actor(r)), "")
	answer(w, r, el, err)
}

func (s *Server) getUserReasonCodes(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	el, err := s.reasonCodes(r, nil, teamOf(u))
	answer(w, r, el, err)
}

func (s *Server) getTeamReasonCodes(w http.ResponseWriter, r *http.Request) {
	t, err := s.teamResource(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	el, err := s.reasonCodes(r, nil, t.ID)
	answer(w, r, el, err)
}

func (s *Server) reasonCodes(r *http.Request, authErr error, team string) (*etree.Element, error) {
	if authErr != nil {
		return nil, authErr
	}
	c, err := category(r)
	if err != nil {
		return nil, err
	}
	return model.ReasonCodesElement(s.engine.ReasonCodes(r.Context(), c, team)), nil
}

func (s *Server) getReasonCode(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	s.writeReasonCode(w, r, mux.Vars(r)["id"])
}

func (s *Server) getUserReasonCode(w http.ResponseWriter, r *http.Request) {
	if _, err := s.selfUser(r); err != nil {
		writeError(w, r, err)
		return
	}
	s.writeReasonCode(w, r, mux.Vars(r)["code"])
}

func (s *Server) writeReasonCode(w http.ResponseWriter, r *http.Request, id string) {
	rc, ok := s.engine.ReasonCode(r.Context(), id)
	if !ok {
		writeError(w, r, notFound("reason code", id))
		return
	}
	writeXML(w, http.StatusOK, rc.Element("ReasonCode"))
}

func (s *Server) getWrapUpReasons(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WrapUpReasonsElement(s.engine.WrapUpReasons(r.Context(), "")))
}

func (s *Server) getUserWrapUpReasons(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WrapUpReasonsElement(s.engine.WrapUpReasons(r.Context(), teamOf(u))))
}

func (s *Server) getTeamWrapUpReasons(w http.ResponseWriter, r *http.Request) {
	t, err := s.teamResource(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WrapUpReasonsElement(s.engine.WrapUpReasons(r.Context(), t.ID)))
}

func (s *Server) getWrapUpReason(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	s.writeWrapUpReason(w, r, mux.Vars(r)["id"])
}

func (s *Server) getUserWrapUpReason(w http.ResponseWriter, r *http.Request) {
	if _, err := s.selfUser(r); err != nil {
		writeError(w, r, err)
		return
	}
	s.writeWrapUpReason(w, r, mux.Vars(r)["reason"])
}

func (s *Server) writeWrapUpReason(w http.ResponseWriter, r *http.Request, id string) {
	wr, ok := s.engine.WrapUpReason(r.Context(), id)
	if !ok {
		writeError(w, r, notFound("wrap-up reason", id))
		return
	}
	writeXML(w, http.StatusOK, wr.Element())
}

// teamResource is the team of a TeamResource URI, which the caller must
// belong to or supervise.
func (s *Server) teamResource(r *http.Request) (*acd.Team, error) {
	id := mux.Vars(r)["id"]
	t, ok := s.engine.Directory().Team(id)
	if !ok {
		return nil, notFound("team", id)
	}
	if err := directory.AuthorizeTeamResource(actor(r), t); err != nil {
		return nil, err
	}
	return t, nil
}

func teamOf(u *acd.User) string {
	if u.Team == nil {
		return ""
	}
	return u.Team.ID
}

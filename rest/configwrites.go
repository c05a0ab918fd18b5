package rest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Administrators create, change and delete reason codes and wrap-up
// reasons; like Finesse's
// configuration APIs they answer 200 with an empty body (a create with the
// new code's Location) and refuse on the secondary node with 403.

func (s *Server) postReasonCode(w http.ResponseWriter, r *http.Request) {
	req, err := reasonCodeRequest(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id, err := s.engine.CreateReasonCode(r.Context(), actor(r), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.ReasonCode{ID: id}.URI())
	w.WriteHeader(http.StatusOK)
}

func (s *Server) putReasonCode(w http.ResponseWriter, r *http.Request) {
	req, err := reasonCodeRequest(r)
	if err == nil {
		err = s.engine.UpdateReasonCode(r.Context(), actor(r), mux.Vars(r)["id"], req)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) deleteReasonCode(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.DeleteReasonCode(r.Context(), actor(r), mux.Vars(r)["id"]); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// reasonCodeRequest reads a <ReasonCode> body: category, code, label,
// forAll.
func reasonCodeRequest(r *http.Request) (acd.ReasonCodeRequest, error) {
	body, err := readBody(r)
	if err != nil {
		return acd.ReasonCodeRequest{}, err
	}
	root, err := model.ParseRoot(body, "ReasonCode")
	if err != nil {
		return acd.ReasonCodeRequest{}, fail(errMalformed, "ReasonCode", err.Error())
	}
	rc, err := model.ParseReasonCode(root)
	if err != nil {
		return acd.ReasonCodeRequest{}, fail(errMalformed, "ReasonCode", err.Error())
	}
	return acd.ReasonCodeRequest{Category: rc.Category, Code: rc.Code, Label: rc.Label, ForAll: rc.ForAll}, nil
}

func (s *Server) postWrapUpReason(w http.ResponseWriter, r *http.Request) {
	req, err := wrapUpRequest(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id, err := s.engine.CreateWrapUpReason(r.Context(), actor(r), req)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.WrapUpReason{ID: id}.URI())
	w.WriteHeader(http.StatusOK)
}

func (s *Server) putWrapUpReason(w http.ResponseWriter, r *http.Request) {
	req, err := wrapUpRequest(r)
	if err == nil {
		err = s.engine.UpdateWrapUpReason(r.Context(), actor(r), mux.Vars(r)["id"], req)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) deleteWrapUpReason(w http.ResponseWriter, r *http.Request) {
	if err := s.engine.DeleteWrapUpReason(r.Context(), actor(r), mux.Vars(r)["id"]); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// wrapUpRequest reads a <WrapUpReason> body: label, forAll.
func wrapUpRequest(r *http.Request) (acd.WrapUpRequest, error) {
	body, err := readBody(r)
	if err != nil {
		return acd.WrapUpRequest{}, err
	}
	root, err := model.ParseRoot(body, "WrapUpReason")
	if err != nil {
		return acd.WrapUpRequest{}, fail(errMalformed, "WrapUpReason", err.Error())
	}
	wr, err := model.ParseWrapUpReason(root)
	if err != nil {
		return acd.WrapUpRequest{}, fail(errMalformed, "WrapUpReason", err.Error())
	}
	return acd.WrapUpRequest{Label: wr.Label, ForAll: wr.ForAll}, nil
}

// getTeamAssignedCodes lists the codes not for all assigned to a team.
func (s *Server) getTeamAssignedCodes(w http.ResponseWriter, r *http.Request) {
	team, err := s.adminTeam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c, err := category(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.ReasonCodesElement(s.engine.TeamReasonCodes(r.Context(), team, c)))
}

// putTeamAssignedCodes assigns a team the codes of a category (those not
// for all) that the body lists by uri: <ReasonCodes><ReasonCode><uri/>….
func (s *Server) putTeamAssignedCodes(w http.ResponseWriter, r *http.Request) {
	c, err := category(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ids, err := uriList(r, "ReasonCodes", "ReasonCode", "/finesse/api/ReasonCode/")
	if err == nil {
		err = s.engine.AssignReasonCodes(r.Context(), actor(r), mux.Vars(r)["id"], c, ids)
	}
	okOrError(w, r, err)
}

// getTeamAssignedWrapUps lists the wrap-up reasons not for all assigned
// to a team; putTeamAssignedWrapUps assigns them by uri.
func (s *Server) getTeamAssignedWrapUps(w http.ResponseWriter, r *http.Request) {
	team, err := s.adminTeam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	own := slices.DeleteFunc(s.engine.WrapUpReasons(r.Context(), team), func(w model.WrapUpReason) bool { return w.ForAll })
	writeXML(w, http.StatusOK, model.WrapUpReasonsElement(own))
}

func (s *Server) putTeamAssignedWrapUps(w http.ResponseWriter, r *http.Request) {
	ids, err := uriList(r, "WrapUpReasons", "WrapUpReason", "/finesse/api/WrapUpReason/")
	if err == nil {
		err = s.engine.AssignWrapUpReasons(r.Context(), actor(r), mux.Vars(r)["id"], ids)
	}
	okOrError(w, r, err)
}

// getTeamAssignedBooks lists the TEAM phone books assigned to a team;
// putTeamAssignedBooks assigns them by uri.
func (s *Server) getTeamAssignedBooks(w http.ResponseWriter, r *http.Request) {
	team, err := s.adminTeam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	own := slices.DeleteFunc(s.engine.PhoneBooks(r.Context(), team), func(b model.PhoneBook) bool { return b.Type != model.PhoneBookTeam })
	writeXML(w, http.StatusOK, model.PhoneBooksElement(own))
}

func (s *Server) putTeamAssignedBooks(w http.ResponseWriter, r *http.Request) {
	ids, err := uriList(r, "PhoneBooks", "PhoneBook", "/finesse/api/PhoneBook/")
	if err == nil {
		err = s.engine.AssignPhoneBooks(r.Context(), actor(r), mux.Vars(r)["id"], ids)
	}
	okOrError(w, r, err)
}

// adminTeam is the team of a /Team/{id}/... URI, for an administrator.
func (s *Server) adminTeam(r *http.Request) (string, error) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		return "", err
	}
	id := mux.Vars(r)["id"]
	if _, ok := s.engine.Directory().Team(id); !ok {
		return "", notFound("team", id)
	}
	return id, nil
}

// uriList reads a body <root><item><uri>prefix{id}</uri></item>…</root>
// and returns the ids.
func uriList(r *http.Request, root, item, prefix string) ([]string, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	el, err := model.ParseRoot(body, root)
	if err != nil {
		return nil, fail(errMalformed, root, err.Error())
	}
	var ids []string
	for _, it := range el.SelectElements(item) {
		id, ok := strings.CutPrefix(textOf(it, "uri"), prefix)
		if !ok || id == "" {
			return nil, fail(errMalformed, "uri", "each "+item+" names its uri, "+prefix+"{id}")
		}
		ids = append(ids, id)
	}
	return ids, nil
}

package rest

import (
	"net/http"
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
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	c, err := category(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, ok := s.engine.Directory().Team(mux.Vars(r)["id"]); !ok {
		writeError(w, r, notFound("team", mux.Vars(r)["id"]))
		return
	}
	writeXML(w, http.StatusOK, model.ReasonCodesElement(s.engine.TeamReasonCodes(r.Context(), mux.Vars(r)["id"], c)))
}

// putTeamAssignedCodes assigns a team the codes of a category (those not
// for all) that the body lists by uri: <ReasonCodes><ReasonCode><uri/>….
func (s *Server) putTeamAssignedCodes(w http.ResponseWriter, r *http.Request) {
	c, err := category(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	root, err := model.ParseRoot(body, "ReasonCodes")
	if err != nil {
		writeError(w, r, fail(errMalformed, "ReasonCodes", err.Error()))
		return
	}
	var ids []string
	for _, el := range root.SelectElements("ReasonCode") {
		uri := ""
		if u := el.SelectElement("uri"); u != nil {
			uri = u.Text()
		}
		id, ok := strings.CutPrefix(uri, "/finesse/api/ReasonCode/")
		if !ok || id == "" {
			writeError(w, r, fail(errMalformed, "uri", "each ReasonCode names its uri, /finesse/api/ReasonCode/{id}"))
			return
		}
		ids = append(ids, id)
	}
	if err := s.engine.AssignReasonCodes(r.Context(), actor(r), mux.Vars(r)["id"], c, ids); err != nil {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

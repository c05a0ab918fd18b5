package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The MediaPropertiesLayout a desktop shows a call's data by: its team's
// custom layout, else the deployment's default, read as the user (its
// own), its team (members) or an administrator (every layout) reads it,
// and changed by administrators.

func (s *Server) getUserLayout(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, s.engine.LayoutFor(r.Context(), teamOf(u)).Element())
}

// getUserLayouts lists the layouts a user's desktop may use: the default
// and its team's custom one, if it has one.
func (s *Server) getUserLayouts(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	layouts := []model.MediaPropertiesLayout{s.engine.DefaultLayout(r.Context())}
	if own := s.engine.LayoutFor(r.Context(), teamOf(u)); own.ID != layouts[0].ID {
		layouts = append(layouts, own)
	}
	writeXML(w, http.StatusOK, model.MediaPropertiesLayoutsElement(layouts))
}

func (s *Server) getTeamLayout(w http.ResponseWriter, r *http.Request) {
	t, err := s.teamResource(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, s.engine.LayoutFor(r.Context(), t.ID).Element())
}

func (s *Server) getLayouts(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.MediaPropertiesLayoutsElement(s.engine.Layouts(r.Context())))
}

// getLayout reads layout id, or the default as "default".
func (s *Server) getLayout(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	id := mux.Vars(r)["id"]
	l, ok := s.engine.Layout(r.Context(), id)
	if !ok {
		writeError(w, r, notFound("media properties layout", id))
		return
	}
	writeXML(w, http.StatusOK, l.Element())
}

// postLayout, putLayout and deleteLayout are an administrator's layout
// changes: 200, a create with the new Location. The default is changed
// as "default" or by its id, and never deleted.
func (s *Server) postLayout(w http.ResponseWriter, r *http.Request) {
	s.saveLayout(w, r, "")
}

func (s *Server) putLayout(w http.ResponseWriter, r *http.Request) {
	s.saveLayout(w, r, mux.Vars(r)["id"])
}

func (s *Server) saveLayout(w http.ResponseWriter, r *http.Request, id string) {
	el, err := xmlBody(r, "MediaPropertiesLayout")
	if err != nil {
		writeError(w, r, err)
		return
	}
	l, err := model.ParseMediaPropertiesLayout(el)
	if err != nil {
		writeError(w, r, fail(errMalformed, "MediaPropertiesLayout", err.Error()))
		return
	}
	saved, err := s.engine.SaveLayout(r.Context(), actor(r), id, l)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if id == "" {
		w.Header().Set("Location", model.LayoutURI(saved))
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) deleteLayout(w http.ResponseWriter, r *http.Request) {
	if mux.Vars(r)["id"] == acd.DefaultLayoutID {
		s.methodNotAllowed(w, r) // the reference's answer: default is GET and PUT only
		return
	}
	okOrError(w, r, s.engine.DeleteLayout(r.Context(), actor(r), mux.Vars(r)["id"]))
}

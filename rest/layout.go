package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The MediaPropertiesLayout a desktop shows a call's data by: its team's
// custom layout, else the deployment's default, read as the user (its
// own), its team (members) or an administrator (every layout) reads it.

func (s *Server) getUserLayout(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, s.engine.Directory().LayoutFor(teamOf(u)).Element())
}

// getUserLayouts lists the layouts a user's desktop may use: the default
// and its team's custom one, if it has one.
func (s *Server) getUserLayouts(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	dir := s.engine.Directory()
	layouts := []model.MediaPropertiesLayout{dir.Layout()}
	if own := dir.LayoutFor(teamOf(u)); own.ID != layouts[0].ID {
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
	writeXML(w, http.StatusOK, s.engine.Directory().LayoutFor(t.ID).Element())
}

func (s *Server) getLayouts(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.MediaPropertiesLayoutsElement(s.engine.Directory().Layouts()))
}

func (s *Server) getLayout(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	id := mux.Vars(r)["id"]
	for _, l := range s.engine.Directory().Layouts() {
		if l.ID == id {
			writeXML(w, http.StatusOK, l.Element())
			return
		}
	}
	writeError(w, r, notFound("media properties layout", id))
}

package rest

import (
	"net/http"

	"github.com/beevik/etree"
	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The MediaPropertiesLayout a desktop shows a call's data by: the
// deployment's one default layout, read as the user (its own), its team
// (members) or an administrator reads it.

func (s *Server) getUserLayout(w http.ResponseWriter, r *http.Request) {
	s.writeLayout(w, r, s.userAccess, false)
}

func (s *Server) getUserLayouts(w http.ResponseWriter, r *http.Request) {
	s.writeLayout(w, r, s.userAccess, true)
}

func (s *Server) getTeamLayout(w http.ResponseWriter, r *http.Request) {
	s.writeLayout(w, r, func(r *http.Request) error { _, err := s.teamResource(r); return err }, false)
}

func (s *Server) getLayouts(w http.ResponseWriter, r *http.Request) {
	s.writeLayout(w, r, adminAccess, true)
}

func (s *Server) getLayout(w http.ResponseWriter, r *http.Request) {
	if err := adminAccess(r); err != nil {
		writeError(w, r, err)
		return
	}
	l := s.engine.Directory().Layout()
	if id := mux.Vars(r)["id"]; id != l.ID {
		writeError(w, r, notFound("media properties layout", id))
		return
	}
	writeXML(w, http.StatusOK, l.Element())
}

func (s *Server) writeLayout(w http.ResponseWriter, r *http.Request, access func(*http.Request) error, list bool) {
	if err := access(r); err != nil {
		writeError(w, r, err)
		return
	}
	l := s.engine.Directory().Layout()
	var el *etree.Element
	if list {
		el = model.MediaPropertiesLayoutsElement([]model.MediaPropertiesLayout{l})
	} else {
		el = l.Element()
	}
	writeXML(w, http.StatusOK, el)
}

func (s *Server) userAccess(r *http.Request) error {
	_, err := s.selfUser(r)
	return err
}

func adminAccess(r *http.Request) error { return directory.AuthorizeAdmin(actor(r)) }

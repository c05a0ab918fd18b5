package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Workflows are configuration the desktop runs; the server only serves
// them: every one to administrators, a team's to its members.

func (s *Server) getWorkflows(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.Directory().Workflows()))
}

func (s *Server) getUserWorkflows(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.Directory().WorkflowsFor(teamOf(u))))
}

func (s *Server) getTeamWorkflows(w http.ResponseWriter, r *http.Request) {
	t, err := s.teamResource(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.Directory().WorkflowsFor(t.ID)))
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	wf, ok := s.engine.Directory().Workflow(mux.Vars(r)["id"])
	if !ok {
		writeError(w, r, notFound("workflow", mux.Vars(r)["id"]))
		return
	}
	writeXML(w, http.StatusOK, wf.Element())
}

func (s *Server) getWorkflowActions(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowActionsElement(s.engine.Directory().WorkflowActions()))
}

func (s *Server) getWorkflowAction(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	a, ok := s.engine.Directory().WorkflowAction(mux.Vars(r)["id"])
	if !ok {
		writeError(w, r, notFound("workflow action", mux.Vars(r)["id"]))
		return
	}
	writeXML(w, http.StatusOK, a.Element())
}

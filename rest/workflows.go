package rest

import (
	"net/http"

	"github.com/beevik/etree"
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
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.Workflows(r.Context())))
}

func (s *Server) getUserWorkflows(w http.ResponseWriter, r *http.Request) {
	u, err := s.selfUser(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.WorkflowsFor(r.Context(), teamOf(u))))
}

func (s *Server) getTeamWorkflows(w http.ResponseWriter, r *http.Request) {
	t, err := s.teamResource(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.WorkflowsFor(r.Context(), t.ID)))
}

func (s *Server) getWorkflow(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	wf, ok := s.engine.Workflow(r.Context(), mux.Vars(r)["id"])
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
	writeXML(w, http.StatusOK, model.WorkflowActionsElement(s.engine.WorkflowActions(r.Context())))
}

func (s *Server) getWorkflowAction(w http.ResponseWriter, r *http.Request) {
	if err := directory.AuthorizeAdmin(actor(r)); err != nil {
		writeError(w, r, err)
		return
	}
	a, ok := s.engine.WorkflowAction(r.Context(), mux.Vars(r)["id"])
	if !ok {
		writeError(w, r, notFound("workflow action", mux.Vars(r)["id"]))
		return
	}
	writeXML(w, http.StatusOK, a.Element())
}

// postWorkflow, putWorkflow and deleteWorkflow are an administrator's
// workflow changes; the same for workflow actions: 200, a create with the
// new Location.
func (s *Server) postWorkflow(w http.ResponseWriter, r *http.Request) {
	s.saveWorkflow(w, r, "")
}

func (s *Server) putWorkflow(w http.ResponseWriter, r *http.Request) {
	s.saveWorkflow(w, r, mux.Vars(r)["id"])
}

func (s *Server) saveWorkflow(w http.ResponseWriter, r *http.Request, id string) {
	el, err := xmlBody(r, "Workflow")
	if err != nil {
		writeError(w, r, err)
		return
	}
	saved, err := s.engine.SaveWorkflow(r.Context(), actor(r), id, model.ParseWorkflow(el))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if id == "" {
		w.Header().Set("Location", model.WorkflowURI(saved))
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) deleteWorkflow(w http.ResponseWriter, r *http.Request) {
	okOrError(w, r, s.engine.DeleteWorkflow(r.Context(), actor(r), mux.Vars(r)["id"]))
}

func (s *Server) postWorkflowAction(w http.ResponseWriter, r *http.Request) {
	s.saveWorkflowAction(w, r, "")
}

func (s *Server) putWorkflowAction(w http.ResponseWriter, r *http.Request) {
	s.saveWorkflowAction(w, r, mux.Vars(r)["id"])
}

func (s *Server) saveWorkflowAction(w http.ResponseWriter, r *http.Request, id string) {
	el, err := xmlBody(r, "WorkflowAction")
	if err != nil {
		writeError(w, r, err)
		return
	}
	saved, err := s.engine.SaveWorkflowAction(r.Context(), actor(r), id, model.ParseWorkflowAction(el))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if id == "" {
		w.Header().Set("Location", model.WorkflowActionURI(saved))
	}
	w.WriteHeader(http.StatusOK)
}

func (s *Server) deleteWorkflowAction(w http.ResponseWriter, r *http.Request) {
	okOrError(w, r, s.engine.DeleteWorkflowAction(r.Context(), actor(r), mux.Vars(r)["id"]))
}

// getTeamAssignedWorkflows lists a team's workflows; putTeamAssignedWorkflows
// assigns the team-limited ones by uri.
func (s *Server) getTeamAssignedWorkflows(w http.ResponseWriter, r *http.Request) {
	team, err := s.adminTeam(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.WorkflowsElement(s.engine.WorkflowsFor(r.Context(), team)))
}

func (s *Server) putTeamAssignedWorkflows(w http.ResponseWriter, r *http.Request) {
	ids, err := uriList(r, "Workflows", "Workflow", "/finesse/api/Workflow/")
	if err == nil {
		err = s.engine.AssignWorkflows(r.Context(), actor(r), mux.Vars(r)["id"], ids)
	}
	okOrError(w, r, err)
}

// xmlBody reads a request body whose root element is root.
func xmlBody(r *http.Request, root string) (*etree.Element, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	el, err := model.ParseRoot(body, root)
	if err != nil {
		return nil, fail(errMalformed, root, err.Error())
	}
	return el, nil
}

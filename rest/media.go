package rest

import (
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// A user's nonvoice Media Routing Domains: its state in each, its tasks,
// and the simulator's way to bring tasks in.

func (s *Server) getMediaList(w http.ResponseWriter, r *http.Request) {
	list, err := s.engine.MediaList(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.MediaListElement(list))
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request) {
	m, err := s.engine.Media(r.Context(), actor(r), mux.Vars(r)["id"], mux.Vars(r)["mrd"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, m.Element())
}

func (s *Server) getMediaDialogs(w http.ResponseWriter, r *http.Request) {
	ds, err := s.engine.MediaDialogs(r.Context(), actor(r), mux.Vars(r)["id"], mux.Vars(r)["mrd"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.DialogsElement("Dialogs", ds))
}

// putMedia signs the user in to an MRD or out of it, changes its state
// there or whether it is routable: 202, the outcome a Media event.
func (s *Server) putMedia(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := model.ParseMediaRequest(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "Media", err.Error()))
		return
	}
	err = s.engine.ChangeMedia(r.Context(), actor(r), acd.MediaRequest{
		User: mux.Vars(r)["id"], MRD: mux.Vars(r)["mrd"], State: req.State, ReasonCodeID: req.ReasonCodeID,
		Routable: req.Routable, MaxDialogs: req.MaxDialogLimit, InterruptAction: req.InterruptAction,
		DialogLogoutAction: req.DialogLogoutAction, RequestID: r.Header.Get("requestId"),
	})
	accepted(w, r, err)
}

// postTask brings a nonvoice task into an MRD's queue: 201 with the task
// (a simulator Call) and its Location.
func (s *Server) postTask(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := model.ParseSimTaskRequest(body)
	if err != nil {
		writeError(w, r, fail(errMalformed, "Task", err.Error()))
		return
	}
	if req.Queue == "" {
		writeError(w, r, &acd.RequestError{Kind: acd.ErrParameterMissing, Field: "queue", Detail: "the queue of a media routing domain is required"})
		return
	}
	if err := checkSimCall(req); err != nil {
		writeError(w, r, err)
		return
	}
	task, err := s.engine.InjectTask(r.Context(), acd.TaskRequest{Queue: req.Queue, From: req.ANI, Variables: req.Variables})
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", model.SimCallURI(task.ID))
	writeXML(w, http.StatusCreated, simCall(task).Element())
}

package rest

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

func (s *Server) getDialog(w http.ResponseWriter, r *http.Request) {
	id := mux.Vars(r)["id"]
	d, err := s.engine.Dialog(r.Context(), actor(r), id)
	if err != nil {
		writeError(w, r, s.hideDialog(r, err, id))
		return
	}
	writeXML(w, http.StatusOK, d.Element("Dialog"))
}

func (s *Server) getUserDialogs(w http.ResponseWriter, r *http.Request) {
	dialogs, err := s.engine.UserDialogs(r.Context(), actor(r), mux.Vars(r)["id"])
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, model.DialogsElement("Dialogs", dialogs))
}

// putDialog carries out an action on the caller's party. It answers 202
// with an empty body; the outcome is an event on the caller's Dialogs node.
func (s *Server) putDialog(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := parseDialogRequest(body)
	if err != nil {
		writeError(w, r, err)
		return
	}
	id := mux.Vars(r)["id"]
	err = s.engine.DialogAction(changeContext(r, body, actor(r).ID), actor(r), acd.DialogRequest{
		DialogID: id, Action: req.RequestedAction,
		TargetMediaAddress: req.TargetMediaAddress, RequestID: r.Header.Get("requestId"),
		MediaProperties: callData(req), DTMF: actionParam(req, "dtmfString"), ToAddress: req.ToAddress,
		Classification: actionParam(req, "outboundClassification"),
		CallbackTime:   actionParam(req, "callbackTime"), CallbackNumber: actionParam(req, "callbackNumber"),
	})
	accepted(w, r, s.hideDialog(r, err, id))
}

// postUserDialog starts a call from the user's phone (MAKE_CALL), a
// supervisor's silent monitor of an agent (SILENT_MONITOR) or its barge-in
// from one (BARGE_CALL). It answers 202; the dialog arrives as an event on
// the user's Dialogs node.
func (s *Server) postUserDialog(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := parseDialogRequest(body)
	if err != nil {
		writeError(w, r, err)
		return
	}
	switch req.RequestedAction {
	case "MAKE_CALL":
		var vars []model.CallVariable
		if req.MediaProperties != nil {
			vars = req.MediaProperties.CallVariables
		}
		err = s.engine.MakeCall(changeContext(r, body, mux.Vars(r)["id"]), actor(r), acd.MakeCallRequest{
			AgentID: mux.Vars(r)["id"], From: req.FromAddress, To: req.ToAddress,
			Variables: vars, RequestID: r.Header.Get("requestId"),
		})
	case "SILENT_MONITOR", "BARGE_CALL":
		err = s.supervise(r, body, req)
	case "":
		err = &acd.RequestError{Kind: acd.ErrParameterMissing, Field: "requestedAction", Detail: "requestedAction is required"}
	default:
		err = &acd.RequestError{Kind: acd.ErrNotImplemented, Field: "requestedAction", Detail: req.RequestedAction + " is not implemented yet"}
	}
	accepted(w, r, err)
}

// supervise starts a silent monitor or barges in from one.
func (s *Server) supervise(r *http.Request, body []byte, req model.DialogRequest) error {
	mr := acd.MonitorRequest{
		SupervisorID: mux.Vars(r)["id"], From: req.FromAddress, To: req.ToAddress,
		Monitor: req.AssociatedDialogURI, RequestID: r.Header.Get("requestId"),
	}
	ctx := changeContext(r, body, mr.SupervisorID)
	if req.RequestedAction == "BARGE_CALL" {
		return s.engine.Barge(ctx, actor(r), mr)
	}
	return s.engine.SilentMonitor(ctx, actor(r), mr)
}

// hideDialog answers for a dialog the caller may not see as for one that
// does not exist, so that dialog ids cannot be probed for live calls. A
// caller who may see it but is not on it (its agents' supervisor, an
// administrator) is told that instead.
func (s *Server) hideDialog(r *http.Request, err error, id string) error {
	if !errors.Is(err, acd.ErrNotYourUser) {
		return err
	}
	if _, seeErr := s.engine.Dialog(r.Context(), actor(r), id); seeErr == nil {
		return err
	}
	return &acd.RequestError{Kind: acd.ErrNotFound, Field: id, Detail: "Invalid dialogId specified for dialog"}
}

// parseDialogRequest reads a Dialog body and checks its bounds.
func parseDialogRequest(body []byte) (model.DialogRequest, error) {
	req, err := model.ParseDialogRequest(body)
	if err != nil {
		return req, fail(errMalformed, "Dialog", err.Error())
	}
	return req, checkDialogRequest(req)
}

// callData is what an UPDATE_CALL_DATA body asks to change.
func callData(req model.DialogRequest) *acd.CallData {
	m := req.MediaProperties
	if m == nil {
		return nil
	}
	data := &acd.CallData{Variables: m.CallVariables}
	if m.HasWrapUpReason {
		data.WrapUpReason = &m.WrapUpReason
	}
	return data
}

func actionParam(req model.DialogRequest, name string) string {
	for _, p := range req.ActionParams {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

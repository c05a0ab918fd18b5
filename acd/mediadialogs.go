package acd

import (
	"context"
	"slices"

	"github.com/finessed/finessed/model"
)

// The states of a nonvoice dialog (developer guide, MediaDialog states);
// its one participant, the user, is in the same state.
const (
	TaskOffered    = "OFFERED"
	TaskAccepted   = "ACCEPTED"
	TaskActive     = "ACTIVE"
	TaskPaused     = "PAUSED"
	TaskWrappingUp = "WRAPPING_UP"
	// TaskInterrupted is a task set aside while its user is on a voice
	// call; it allows no action until the call ends, and its participant
	// keeps the state it goes back to.
	TaskInterrupted = "INTERRUPTED"
	TaskClosed      = "CLOSED"
)

// taskActions are what the user may do with a task in each state (the
// developer guide's task actions: accept, start, pause, resume, wrap up,
// close, transfer).
var taskActions = map[string][]string{
	TaskOffered:    {"ACCEPT"},
	TaskAccepted:   {"START", "TRANSFER", "CLOSE"},
	TaskActive:     {"PAUSE", "WRAP_UP", "TRANSFER", "CLOSE"},
	TaskPaused:     {"RESUME", "WRAP_UP", "TRANSFER", "CLOSE"},
	TaskWrappingUp: {"CLOSE"},
}

// taskMoves is the state each action other than CLOSE and TRANSFER leads to.
var taskMoves = map[string]string{
	"ACCEPT": TaskAccepted, "START": TaskActive, "PAUSE": TaskPaused, "RESUME": TaskActive, "WRAP_UP": TaskWrappingUp,
}

// taskView renders a nonvoice dialog: mediaType the MRD's name, mediaId
// its id, no callType or mediaAddressType (developer guide).
func (e *Engine) taskView(d Dialog, v *model.Dialog) {
	v.MediaType = d.Media
	if md := e.dir.MediaDomain(d.Media); md != nil {
		v.MediaType = md.Name
	}
	v.MediaProperties.MediaID = d.Media
	v.MediaProperties.CallType = ""
	for i := range v.Participants {
		v.Participants[i].MediaAddressType = ""
		if d.State == TaskInterrupted {
			v.Participants[i].State = TaskInterrupted // its own state waits underneath
		}
	}
}

// taskEvent tells agent's desktops of a task on its Dialogs/Media node: a
// POST when offered and a DELETE when gone, from the MRD's Dialogs
// collection, else a PUT of the dialog (finesse-api.md 9.5).
func (e *Engine) taskEvent(kind, agent string, d Dialog, rid string) Event {
	node := model.MediaDialogsNode(agent)
	update := model.Update{
		Event: kind, RequestID: rid, Source: model.MediaURI(agent, d.Media) + "/Dialogs",
		Data: model.DialogsElement("dialogs", []model.Dialog{e.dialogView(d)}),
	}
	if kind == model.EventPut {
		update.Source, update.Data = model.DialogURI(d.ID), e.dialogView(d).Element("dialog")
	}
	return Event{Nodes: []string{node}, Payload: update.Indented()}
}

// actTask carries out an action the user's task allows.
func (e *Engine) actTask(tx Tx, u *User, d Dialog, req DialogRequest) error {
	md := e.dir.MediaDomain(d.Media)
	if md == nil {
		return refuse(ErrNotFound, d.Media, "the task's media routing domain is no longer configured")
	}
	m, err := mediaAgent(tx, u.ID, d.Media)
	if err != nil {
		return err
	}
	switch req.Action {
	case "CLOSE":
		if err := e.dropTaskDialog(tx, d, req.RequestID); err != nil {
			return err
		}
	case "TRANSFER":
		if err := e.requeueTask(tx, d, req.ToAddress); err != nil {
			return err
		}
	default:
		d.State = taskMoves[req.Action]
		d.Parties[0].State, d.Parties[0].Changed = d.State, e.clock.Now()
		tx.PutDialog(d)
		tx.Emit(e.taskEvent(model.EventPut, u.ID, d, req.RequestID))
		if req.Action == "ACCEPT" {
			if err := e.connectCall(tx, d, u.ID); err != nil {
				return err
			}
		}
		return e.settleMedia(tx, md, m, req.RequestID)
	}
	m.Dialogs = slices.DeleteFunc(m.Dialogs, func(id string) bool { return id == d.ID })
	return e.settleMedia(tx, md, m, req.RequestID)
}

// dropTaskDialog ends a task on its user's desktop: the dialog CLOSED, a
// DELETE on the Dialogs/Media node, the task ended unless it goes on to
// another queue (its Call then says so).
func (e *Engine) dropTaskDialog(tx Tx, d Dialog, rid string) error {
	now := e.clock.Now()
	agent := d.Parties[0].Agent
	d.State, d.Ended = TaskClosed, now
	d.Parties[0].State, d.Parties[0].Changed = TaskClosed, now
	tx.PutDialog(d)
	tx.Emit(e.taskEvent(model.EventDelete, agent, d, rid))
	task, found, err := tx.Call(d.CallID)
	if err != nil || !found || task.DialogID != d.ID {
		return err
	}
	task.State, task.Ended = CallEnded, now
	tx.PutCall(task)
	return nil
}

// closeTask ends a task whatever its state (the customer left, the user
// signed out), updating its user's MRD state.
func (e *Engine) closeTask(tx Tx, d Dialog, rid string) error {
	if err := e.dropTaskDialog(tx, d, rid); err != nil {
		return err
	}
	md := e.dir.MediaDomain(d.Media)
	m, err := mediaAgent(tx, d.Parties[0].Agent, d.Media)
	if err != nil || md == nil {
		return err
	}
	m.Dialogs = slices.DeleteFunc(m.Dialogs, func(id string) bool { return id == d.ID })
	return e.settleMedia(tx, md, m, rid)
}

// routeTasksAfter offers more tasks once one left a user's desktop: its
// MRD may offer that user another, a transfer's queue has a task, and a
// voice call may be offered to a user no longer held by a task.
func (e *Engine) routeTasksAfter(ctx context.Context, req DialogRequest) {
	d, found, err := e.store.Dialog(ctx, req.DialogID)
	if err != nil || !found || d.Media == "" {
		return
	}
	if md := e.dir.MediaDomain(d.Media); md != nil {
		e.routeMedia(ctx, md)
		if !md.Interruptible {
			e.routeIfReady(ctx, d.Parties[0].Agent) // a call may have waited for the task's end
		}
	}
	if md := e.dir.MediaDomainOfQueue(req.ToAddress); md != nil && req.Action == "TRANSFER" {
		e.routeMedia(ctx, md)
	}
}

// checkTaskRequest refuses at once a task action whose data is wrong: a
// TRANSFER goes to the queue of a nonvoice MRD.
func (e *Engine) checkTaskRequest(req DialogRequest) error {
	if req.Action == "TRANSFER" && e.dir.MediaDomainOfQueue(req.ToAddress) == nil {
		return refuse(ErrInvalidDestination, "toAddress", "a task is transferred to the queue of a media routing domain")
	}
	return nil
}

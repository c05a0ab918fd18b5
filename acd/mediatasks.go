package acd

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// TaskRequest is a nonvoice task (a chat, an email) the simulator's API
// brings into an MRD's queue.
type TaskRequest struct {
	Queue     string
	From      string
	Variables []model.CallVariable
}

// InjectTask brings a task into its MRD's queue and offers it at once to
// a user with room for it. The task is a Call with Media set.
func (e *Engine) InjectTask(ctx context.Context, req TaskRequest) (Call, error) {
	md := e.dir.MediaDomainOfQueue(req.Queue)
	if md == nil {
		return Call{}, refuse(ErrNotFound, req.Queue, "no media routing domain has this queue")
	}
	if err := checkVariables(req.Variables); err != nil {
		return Call{}, err
	}
	var task Call
	err := e.update(ctx, func(tx Tx) error {
		id, err := tx.NextID("call")
		if err != nil {
			return err
		}
		task = Call{ID: id, Queue: md.Queue, ANI: req.From, Variables: req.Variables, State: CallQueued, Enqueued: e.clock.Now(), Media: md.ID}
		waiting, err := tx.Waiting(md.Queue)
		if err != nil {
			return err
		}
		tx.PutCall(task)
		tx.PutWaiting(md.Queue, append(waiting, id))
		return nil
	})
	if err != nil {
		return Call{}, fmt.Errorf("inject task into queue %s: %w", md.Queue, err)
	}
	e.routeMedia(ctx, md)
	task, _, err = e.store.Call(ctx, task.ID)
	return task, err
}

// routeMedia offers the MRD's waiting tasks, oldest first, to its users
// with room, longest ready first, one transaction an offer.
func (e *Engine) routeMedia(ctx context.Context, md *directory.MediaDomain) {
	for range maxDialSteps {
		offered := false
		err := e.update(ctx, func(tx Tx) error {
			offered = false
			waiting, err := tx.Waiting(md.Queue)
			if err != nil || len(waiting) == 0 {
				return err
			}
			task, found, err := tx.Call(waiting[0])
			if err != nil {
				return err
			}
			if !found || task.State != CallQueued {
				tx.PutWaiting(md.Queue, waiting[1:])
				offered = true
				return nil
			}
			m, ok, err := e.pickMediaAgent(tx, md)
			if err != nil || !ok {
				return err
			}
			tx.PutWaiting(md.Queue, waiting[1:])
			offered = true
			return e.offerTask(tx, md, task, m)
		})
		if err != nil {
			slog.Error("route tasks", "queue", md.Queue, "err", err)
			return
		}
		if !offered {
			return
		}
	}
}

// pickMediaAgent is the MRD's user with room who has been ready longest.
func (e *Engine) pickMediaAgent(tx Tx, md *directory.MediaDomain) (MediaAgent, bool, error) {
	var best MediaAgent
	found := false
	for _, id := range md.Agents {
		m, err := mediaAgent(tx, id, md.ID)
		if err != nil {
			return best, false, err
		}
		if !m.hasRoom() || (found && cmp.Compare(m.ReadySince.UnixNano(), best.ReadySince.UnixNano()) >= 0) {
			continue
		}
		if md.Interruptible && m.InterruptAction == "ACCEPT" {
			// A user a voice call would interrupt gets no task during one.
			a, err := tx.Agent(id)
			if err != nil {
				return best, false, err
			}
			if onVoiceCall(a.State) {
				continue
			}
		}
		best, found = m, true
	}
	return best, found, nil
}

// offerTask offers task to m's user: an OFFERED dialog on its
// Dialogs/Media node, the user RESERVED in the MRD.
func (e *Engine) offerTask(tx Tx, md *directory.MediaDomain, task Call, m MediaAgent) error {
	seq, err := tx.NextID("dialog")
	if err != nil {
		return err
	}
	now := e.clock.Now()
	d := Dialog{
		// Nonvoice dialog ids carry underscores (developer guide).
		ID: task.ID + "_" + md.ID + "_" + seq, CallID: task.ID, Media: md.ID, From: task.ANI,
		Queue: md.Queue, Variables: task.Variables, State: TaskOffered, Created: now,
		Parties: []Party{{Address: m.Agent, Agent: m.Agent, State: TaskOffered, Start: now, Changed: now}},
	}
	task.State, task.DialogID, task.Agent = CallAlerting, d.ID, m.Agent
	task.RingDeadline = now.Add(e.dir.Settings.RingNoAnswer)
	e.timers.after(e.clock, e.dir.Settings.RingNoAnswer, func() { e.Sweep(context.Background()) })
	tx.PutCall(task)
	tx.PutDialog(d)
	m.Dialogs = append(m.Dialogs, d.ID)
	tx.Emit(e.taskEvent(model.EventPost, m.Agent, d, ""))
	return e.settleMedia(tx, md, m, "")
}

// endTasksAtLogout ends the tasks of a user signing out of an MRD as it
// asked at sign-in: closed, or back in their queues. It returns the
// queues that got a task back.
func (e *Engine) endTasksAtLogout(tx Tx, md *directory.MediaDomain, m MediaAgent) ([]string, error) {
	var requeued []string
	for _, id := range m.Dialogs {
		d, found, err := tx.Dialog(id)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		if m.DialogLogoutAction == "TRANSFER" {
			if err := e.requeueTask(tx, d, md.Queue); err != nil {
				return nil, err
			}
			requeued = append(requeued, md.Queue)
			continue
		}
		if err := e.dropTaskDialog(tx, d, ""); err != nil {
			return nil, err
		}
	}
	return requeued, nil
}

// settleMedia derives the user's MRD state from its tasks and publishes
// it when it changed: RESERVED while one is offered, INTERRUPTED while
// they are set aside for a voice call, ACTIVE while one is
// worked on, PAUSED when all are, WORK_READY when all are wrapping up;
// with none, the state it asked for meanwhile, else READY.
func (e *Engine) settleMedia(tx Tx, md *directory.MediaDomain, m MediaAgent, rid string) error {
	before := m
	states := map[string]bool{}
	for _, id := range m.Dialogs {
		d, found, err := tx.Dialog(id)
		if err != nil {
			return err
		}
		if found {
			states[d.State] = true
		}
	}
	switch {
	case len(m.Dialogs) == 0 && m.PendingState == MediaNotReady:
		m = e.enterMedia(m, MediaNotReady, m.PendingReasonCodeID)
		m.PendingState, m.PendingReasonCodeID = "", ""
	case len(m.Dialogs) == 0 && m.State != MediaNotReady:
		m = e.enterMedia(m, MediaReady, "")
	case len(m.Dialogs) == 0:
	case states[TaskOffered]:
		m = e.enterMedia(m, MediaReserved, "")
	case states[TaskInterrupted]:
		m = e.enterMedia(m, MediaInterrupted, "")
	case states[TaskActive] || states[TaskAccepted]:
		m = e.enterMedia(m, MediaActive, "")
	case states[TaskPaused]:
		m = e.enterMedia(m, MediaPaused, "")
	default:
		m = e.enterMedia(m, MediaWorkReady, "")
	}
	tx.PutMediaAgent(m)
	if m.State != before.State || m.PendingState != before.PendingState || len(m.Dialogs) != len(before.Dialogs) {
		tx.Emit(e.mediaEvent(md, m, rid))
	}
	return nil
}

// requeueTask puts a task back at the head of queue: its dialog leaves
// the user's desktop and the next user is offered it.
func (e *Engine) requeueTask(tx Tx, d Dialog, queue string) error {
	task, found, err := tx.Call(d.CallID)
	if err != nil || !found {
		return err
	}
	task.State, task.DialogID, task.Agent, task.Transferred = CallQueued, "", "", true
	task.Queue, task.Media = queue, e.dir.MediaDomainOfQueue(queue).ID
	tx.PutCall(task)
	waiting, err := tx.Waiting(queue)
	if err != nil {
		return err
	}
	tx.PutWaiting(queue, append([]string{task.ID}, slices.DeleteFunc(waiting, func(w string) bool { return w == task.ID })...))
	return e.dropTaskDialog(tx, d, "")
}

// taskNoAnswer takes back a task its user let go unaccepted for the
// ring-no-answer time: back at the head of its queue for the next user,
// and the user NOT_READY in the MRD so that it is offered no more, as a
// voice agent is after RONA.
func (e *Engine) taskNoAnswer(ctx context.Context, id string) {
	var md *directory.MediaDomain
	var agent string
	err := e.update(ctx, func(tx Tx) error {
		md = nil
		task, found, err := tx.Call(id)
		if err != nil || !found || task.State != CallAlerting || task.Media == "" {
			return err
		}
		d, found, err := tx.Dialog(task.DialogID)
		if err != nil || !found || d.State != TaskOffered {
			return err
		}
		md, agent = e.dir.MediaDomain(task.Media), task.Agent
		m, err := mediaAgent(tx, task.Agent, task.Media)
		if err != nil || md == nil {
			return err
		}
		if err := e.requeueTask(tx, d, task.Queue); err != nil {
			return err
		}
		m.Dialogs = slices.DeleteFunc(m.Dialogs, func(o string) bool { return o == d.ID })
		if len(m.Dialogs) == 0 {
			m = e.enterMedia(m, MediaNotReady, e.ronaReason())
		} else {
			m.PendingState, m.PendingReasonCodeID = MediaNotReady, e.ronaReason()
		}
		return e.settleMedia(tx, md, m, "")
	})
	if err != nil {
		slog.Error("task ring no answer", "task", id, "err", err)
		return
	}
	if md != nil {
		e.routeMedia(ctx, md)
		if !md.Interruptible {
			e.routeIfReady(ctx, agent)
		}
	}
}

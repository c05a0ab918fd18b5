package acd

import (
	"context"
	"slices"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The states of a user in a nonvoice MRD (developer guide, Media states).
const (
	MediaLogout    = "LOGOUT"
	MediaNotReady  = "NOT_READY"
	MediaReady     = "READY"
	MediaReserved  = "RESERVED"
	MediaActive    = "ACTIVE"
	MediaPaused    = "PAUSED"
	MediaWorkReady = "WORK_READY"
	// MediaInterrupted: the user's tasks are set aside for a voice call.
	MediaInterrupted = "INTERRUPTED"
)

// MediaAgent is a user's live state in one nonvoice MRD: kept apart from
// its voice state, since an agent works chats while it takes calls.
type MediaAgent struct {
	Agent, MRD          string
	State               string
	ReasonCodeID        string
	PendingState        string
	PendingReasonCodeID string
	Routable            bool
	MaxDialogs          int
	InterruptAction     string
	DialogLogoutAction  string
	Dialogs             []string
	StateChangeTime     time.Time
	ReadySince          time.Time
}

// Clone is a copy of m sharing no slice with it.
func (m MediaAgent) Clone() MediaAgent {
	m.Dialogs = slices.Clone(m.Dialogs)
	return m
}

// SignedIn reports whether the user is signed in to the MRD.
func (m MediaAgent) SignedIn() bool { return m.State != "" && m.State != MediaLogout }

// hasRoom reports whether the MRD may offer the user another task.
func (m MediaAgent) hasRoom() bool {
	switch m.State {
	case MediaReady, MediaReserved, MediaActive, MediaPaused:
		return m.Routable && m.PendingState == "" && len(m.Dialogs) < m.MaxDialogs
	}
	return false
}

// mediaAgent reads user's state in mrd, signed out when it has none.
func mediaAgent(tx Tx, user, mrd string) (MediaAgent, error) {
	m, found, err := tx.MediaAgent(user, mrd)
	if !found {
		m = MediaAgent{Agent: user, MRD: mrd, State: MediaLogout}
	}
	return m, err
}

// enterMedia moves m to state, noting when.
func (e *Engine) enterMedia(m MediaAgent, state, reason string) MediaAgent {
	now := e.clock.Now()
	if m.State != state || m.ReasonCodeID != reason {
		m.StateChangeTime = now
	}
	if state == MediaReady && m.State != MediaReady {
		m.ReadySince = now
	}
	m.State, m.ReasonCodeID = state, reason
	return m
}

// mediaView is m as the Media resource shows it.
func (e *Engine) mediaView(md *directory.MediaDomain, m MediaAgent) model.Media {
	v := model.Media{
		User: m.Agent, MRD: md.ID, Name: md.Name, Description: md.Description, State: m.State,
		PendingState: m.PendingState, StateChangeTime: m.StateChangeTime, ReasonCodeID: m.ReasonCodeID,
		Routable: m.Routable, Interruptible: md.Interruptible, MaxDialogLimit: m.MaxDialogs,
		InterruptAction: m.InterruptAction, DialogLogoutAction: m.DialogLogoutAction,
	}
	if m.State == MediaNotReady {
		v.ReasonCode = e.reasonCode(model.StateNotReady, m.ReasonCodeID)
	}
	return v
}

// mediaEvent tells the user's desktops that its state in an MRD changed.
func (e *Engine) mediaEvent(md *directory.MediaDomain, m MediaAgent, requestID string) Event {
	update := model.Update{
		Event: model.EventPut, RequestID: requestID, Source: model.MediaURI(m.Agent, md.ID),
		Data: e.mediaView(md, m).Element(),
	}
	return Event{Nodes: []string{model.MediaNode(m.Agent)}, Payload: update.Indented()}
}

// mediaError reports a refused Media request on the user's Media node.
func (e *Engine) mediaError(user, mrd, requestID string, refusal model.APIError) Event {
	update := model.Update{
		Event: model.EventPut, RequestID: requestID, Source: model.MediaURI(user, mrd),
		Errors: []model.APIError{refusal},
	}
	return Event{Nodes: []string{model.MediaNode(user)}, Payload: update.Indented()}
}

// MediaList is user idOrName's state in each MRD it may sign in to.
func (e *Engine) MediaList(ctx context.Context, actor *User, idOrName string) ([]model.Media, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return nil, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	if err := directory.AuthorizeView(actor, u); err != nil {
		return nil, err
	}
	out := make([]model.Media, 0, len(u.MediaDomains))
	err := e.store.Update(ctx, func(tx Tx) error {
		out = out[:0]
		for _, md := range u.MediaDomains {
			m, err := mediaAgent(tx, u.ID, md.ID)
			if err != nil {
				return err
			}
			out = append(out, e.mediaView(md, m))
		}
		return nil
	})
	return out, err
}

// userMedia finds user's MRD mrd, refusing a user or MRD that is unknown.
func (e *Engine) userMedia(idOrName, mrd string) (*User, *directory.MediaDomain, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return nil, nil, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	i := slices.IndexFunc(u.MediaDomains, func(m *directory.MediaDomain) bool { return m.ID == mrd })
	if i < 0 {
		return nil, nil, refuse(ErrNotFound, mrd, "the user has no media routing domain "+mrd)
	}
	return u, u.MediaDomains[i], nil
}

// MediaDialogs lists user's live tasks in mrd.
func (e *Engine) MediaDialogs(ctx context.Context, actor *User, idOrName, mrd string) ([]model.Dialog, error) {
	u, md, err := e.userMedia(idOrName, mrd)
	if err != nil {
		return nil, err
	}
	if err := directory.AuthorizeView(actor, u); err != nil {
		return nil, err
	}
	out := []model.Dialog{}
	err = e.store.Update(ctx, func(tx Tx) error {
		out = out[:0]
		m, err := mediaAgent(tx, u.ID, md.ID)
		if err != nil {
			return err
		}
		for _, id := range m.Dialogs {
			if d, found, err := tx.Dialog(id); err != nil {
				return err
			} else if found {
				out = append(out, e.dialogView(d))
			}
		}
		return nil
	})
	return out, err
}

// Media is user idOrName's state in mrd.
func (e *Engine) Media(ctx context.Context, actor *User, idOrName, mrd string) (model.Media, error) {
	u, md, err := e.userMedia(idOrName, mrd)
	if err != nil {
		return model.Media{}, err
	}
	if err := directory.AuthorizeView(actor, u); err != nil {
		return model.Media{}, err
	}
	var v model.Media
	err = e.store.Update(ctx, func(tx Tx) error {
		m, err := mediaAgent(tx, u.ID, md.ID)
		v = e.mediaView(md, m)
		return err
	})
	return v, err
}

package acd

import (
	"context"
	"fmt"

	"github.com/finessed/finessed/model"
)

// Reset puts the simulator back to where a scenario starts: every
// campaign stopped, every call ended (customers hang up, calls between
// agents and monitors are dropped), every agent signed out and every
// team message taken back,
// each with the events a desktop would see. Only a server on a test
// clock offers it (POST /acd/Reset), so that recorded flows replay again
// and again on one server.
func (e *Engine) Reset(ctx context.Context) error {
	campaigns, err := e.store.Campaigns(ctx)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for _, c := range campaigns {
		if _, err := e.StopCampaign(ctx, c.ID); err != nil {
			return fmt.Errorf("reset: %w", err)
		}
	}
	calls, err := e.store.Calls(ctx)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for _, c := range calls {
		if c.State != CallEnded {
			if _, err := e.HangUpCall(ctx, c.ID); err != nil {
				return fmt.Errorf("reset: hang up call %s: %w", c.ID, err)
			}
		}
	}
	if err := e.dropAllDialogs(ctx); err != nil {
		return err
	}
	if err := e.signEveryoneOut(ctx); err != nil {
		return err
	}
	if err := e.signOutOfMedia(ctx); err != nil {
		return err
	}
	return e.deleteTeamMessages(ctx)
}

// dropAllDialogs ends the dialogs no customer call ended: calls between
// agents, calls to outside numbers, silent monitors.
func (e *Engine) dropAllDialogs(ctx context.Context) error {
	dialogs, err := e.store.Dialogs(ctx)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for _, d := range dialogs {
		err := e.update(ctx, func(tx Tx) error {
			cur, found, err := tx.Dialog(d.ID)
			if err != nil || !found || cur.State == DialogDropped || cur.Media != "" {
				return err
			}
			return e.hangUp(tx, cur, "", "")
		})
		if err != nil {
			return fmt.Errorf("reset: drop dialog %s: %w", d.ID, err)
		}
	}
	return nil
}

func (e *Engine) signEveryoneOut(ctx context.Context) error {
	agents, err := e.store.Agents(ctx)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for _, a := range agents {
		u, ok := e.dir.UserByID(a.ID)
		if !ok || !a.State.SignedIn() {
			continue
		}
		err := e.update(ctx, func(tx Tx) error {
			cur, err := tx.Agent(u.ID)
			if err != nil || !cur.State.SignedIn() {
				return err
			}
			cur = e.signOut(tx, cur, "-1")
			cur.PendingState, cur.PendingReasonCodeID, cur.ReturnState, cur.ReturnReasonCodeID = "", "", "", ""
			tx.PutAgent(cur)
			if err := e.emitUser(tx, u, cur, ""); err != nil {
				return err
			}
			return dropSubscriptions(tx, u.ID)
		})
		if err != nil {
			return fmt.Errorf("reset: sign %s out: %w", u.ID, err)
		}
	}
	return nil
}

func (e *Engine) deleteTeamMessages(ctx context.Context) error {
	messages, err := e.store.TeamMessages(ctx)
	if err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	for _, m := range messages {
		err := e.update(ctx, func(tx Tx) error {
			cur, found, err := tx.TeamMessage(m.ID)
			if err != nil || !found {
				return err
			}
			tx.DeleteTeamMessage(cur.ID)
			tx.Emit(e.teamMessageEvent(cur, model.EventDelete, ""))
			return nil
		})
		if err != nil {
			return fmt.Errorf("reset: delete team message %s: %w", m.ID, err)
		}
	}
	return nil
}

// signOutOfMedia signs every user out of every nonvoice MRD it is signed
// in to (their tasks ended with the calls).
func (e *Engine) signOutOfMedia(ctx context.Context) error {
	for _, u := range e.dir.Users() {
		for _, md := range u.MediaDomains {
			err := e.update(ctx, func(tx Tx) error {
				m, err := mediaAgent(tx, u.ID, md.ID)
				if err != nil || !m.SignedIn() {
					return err
				}
				m = e.enterMedia(m, MediaLogout, "-1")
				m.Dialogs, m.PendingState, m.PendingReasonCodeID = nil, "", ""
				tx.PutMediaAgent(m)
				tx.Emit(e.mediaEvent(md, m, ""))
				return nil
			})
			if err != nil {
				return fmt.Errorf("reset: sign %s out of media %s: %w", u.ID, md.ID, err)
			}
		}
	}
	return nil
}

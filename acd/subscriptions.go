package acd

import (
	"context"
	"slices"

	"github.com/finessed/finessed/acd/directory"
)

// MaxSubscriptions bounds a user's explicit subscriptions, so that a
// client looping on subscribe cannot grow the Store without bound.
const MaxSubscriptions = 100

// Subscribe records actor's explicit subscription of jid (actor's bare or
// full JID) to node. Subscribing to a node the user already receives, or
// twice, changes nothing.
func (e *Engine) Subscribe(ctx context.Context, actor *User, node, jid string) error {
	if err := e.dir.AuthorizeNode(actor, node); err != nil {
		return err
	}
	if slices.Contains(directory.AutoNodes(actor), node) {
		return nil
	}
	sub := Subscription{Node: node, JID: jid}
	return e.update(ctx, func(tx Tx) error {
		subs, err := tx.Subscriptions(actor.ID)
		if err != nil || slices.Contains(subs, sub) {
			return err
		}
		if len(subs) >= MaxSubscriptions {
			return refuse(ErrTooManySubscriptions, node, "at most 100 subscriptions a user")
		}
		tx.PutSubscriptions(actor.ID, append(subs, sub))
		tx.Emit(Event{SubscriptionsOf: actor.ID})
		return nil
	})
}

// Unsubscribe removes actor's explicit subscription of jid to node.
func (e *Engine) Unsubscribe(ctx context.Context, actor *User, node, jid string) error {
	sub := Subscription{Node: node, JID: jid}
	return e.update(ctx, func(tx Tx) error {
		subs, err := tx.Subscriptions(actor.ID)
		if err != nil {
			return err
		}
		i := slices.Index(subs, sub)
		if i < 0 {
			return refuse(ErrNotSubscribed, node, "not subscribed to this node")
		}
		tx.PutSubscriptions(actor.ID, slices.Delete(subs, i, i+1))
		tx.Emit(Event{SubscriptionsOf: actor.ID})
		return nil
	})
}

// Subscriptions lists user's explicit subscriptions.
func (e *Engine) Subscriptions(ctx context.Context, user string) ([]Subscription, error) {
	return e.store.Subscriptions(ctx, user)
}

// dropSubscriptions removes every explicit subscription of a user who
// signs out, in the transaction that signs it out.
func dropSubscriptions(tx Tx, user string) error {
	subs, err := tx.Subscriptions(user)
	if err != nil || len(subs) == 0 {
		return err
	}
	tx.PutSubscriptions(user, nil)
	tx.Emit(Event{SubscriptionsOf: user})
	return nil
}

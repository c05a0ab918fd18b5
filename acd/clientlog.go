package acd

import (
	"context"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The bounds on desktops' logs (POST /User/{id}/ClientLog): Finesse takes
// up to 1,048,576 characters a post; a node keeps each user's newest posts
// up to clientLogsPerUser and all users' up to clientLogsTotal bytes, the
// oldest post going first, so that logs never grow the server unbounded.
const (
	MaxClientLogChars = 1 << 20
	clientLogsPerUser = 4 << 20
	clientLogsTotal   = 64 << 20
)

// ClientLog is one log a desktop sent.
type ClientLog struct {
	User     string
	Received time.Time
	Data     string
}

// clientLogs holds this node's logs, newest last. They are a node's, not
// shared state: Finesse keeps them in files on the node that took them.
type clientLogs struct {
	mu    sync.Mutex
	logs  []ClientLog
	bytes int
}

func (c *clientLogs) add(l ClientLog) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logs = append(c.logs, l)
	c.bytes += len(l.Data)
	for c.bytes > clientLogsTotal && len(c.logs) > 1 {
		c.drop(0)
	}
	for {
		held, oldest, n := 0, -1, 0
		for i, o := range c.logs {
			if o.User == l.User {
				held, n = held+len(o.Data), n+1
				if oldest < 0 {
					oldest = i
				}
			}
		}
		if held <= clientLogsPerUser || n < 2 {
			return
		}
		c.drop(oldest)
	}
}

func (c *clientLogs) drop(i int) {
	c.bytes -= len(c.logs[i].Data)
	c.logs = slices.Delete(c.logs, i, i+1)
}

func (c *clientLogs) of(user string) []ClientLog {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []ClientLog
	for _, l := range c.logs {
		if l.User == user {
			out = append(out, l)
		}
	}
	return out
}

// PostClientLog keeps a log the user's own desktop sent and tells the
// desktop it arrived, on its ClientLog node, which is where finesse.js
// waits for it.
func (e *Engine) PostClientLog(ctx context.Context, actor *User, userID, data, requestID string) error {
	u, ok := e.dir.UserByID(userID)
	if !ok {
		return refuse(ErrUserNotFound, userID, "no such user")
	}
	if err := directory.AuthorizeSelf(actor, u); err != nil {
		return err
	}
	if utf8.RuneCountInString(data) > MaxClientLogChars {
		return refuse(ErrInvalidInput, "logData", "logData is longer than 1,048,576 characters")
	}
	e.logs.add(ClientLog{User: u.ID, Received: e.clock.Now(), Data: data})
	node := model.UserURIPrefix + u.ID + "/ClientLog"
	update := model.Update{Event: model.EventPost, RequestID: requestID, Source: node}
	return e.update(ctx, func(tx Tx) error {
		tx.Emit(Event{Nodes: []string{node}, Payload: update.Indented()})
		return nil
	})
}

// ClientLogs are the logs this node kept for a user, oldest first; only an
// administrator may read them.
func (e *Engine) ClientLogs(actor *User, userID string) ([]ClientLog, error) {
	if err := directory.AuthorizeAdmin(actor); err != nil {
		return nil, err
	}
	u, ok := e.dir.User(userID)
	if !ok {
		return nil, refuse(ErrUserNotFound, userID, "no such user")
	}
	return e.logs.of(u.ID), nil
}

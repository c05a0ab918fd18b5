package acd

import (
	"context"
	"fmt"

	"github.com/finessed/finessed/model"
)

// SystemInfoEvent is the SystemInfo Update a change of the node's status
// is announced with. It is the node's own: a node that loses the shared
// Store publishes it to its desktops itself, as the shared log is down.
func (e *Engine) SystemInfoEvent() Event {
	update := model.Update{
		Event: model.EventPut, Source: model.SystemInfoURI,
		Data: e.SystemInfo().Element("systemInfo"),
	}
	return Event{Nodes: []string{model.SystemInfoURI}, Payload: update.Indented()}
}

// LastKnownState is what a node republishes to its desktops when it comes
// back into service, as Finesse does after a CTI failover: the User of
// every signed-in agent and every live dialog, as they are now. Desktops
// thus catch up on whatever they could not be told while it was out.
func (e *Engine) LastKnownState(ctx context.Context) ([]Event, error) {
	agents, err := e.store.Agents(ctx)
	if err != nil {
		return nil, fmt.Errorf("last known state: %w", err)
	}
	dialogs, err := e.store.Dialogs(ctx)
	if err != nil {
		return nil, fmt.Errorf("last known state: %w", err)
	}
	events := make([]Event, 0, len(agents)+len(dialogs))
	for _, a := range agents {
		u, ok := e.dir.UserByID(a.ID)
		if ok && a.State.SignedIn() {
			events = append(events, e.userEvent(u, a, ""))
		}
	}
	for _, d := range dialogs {
		if len(watchers(d)) > 0 {
			events = append(events, e.dialogChanged(d, ""))
		}
	}
	return events, nil
}

package acd_test

import (
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// stepEvents is wantEvents for a named step of a scenario: it checks, in a
// subtest called name, that exactly want was committed after event after,
// and returns the newest event's id, for the next step. The name tells
// which step failed where the line does not (a step in a helper such as
// consulting, or in a loop); the scenario stops at the first that fails.
func (f *fixture) stepEvents(t *testing.T, name string, after acd.EventID, want ...string) acd.EventID {
	t.Helper()
	ok := t.Run(name, func(st *testing.T) {
		parent := f.tb
		f.tb = st
		defer func() { f.tb = parent }()
		f.wantEvents(after, want...)
	})
	if !ok {
		t.FailNow()
	}
	return f.last()
}

// described is every event after after, as describe renders it.
func (f *fixture) described(after acd.EventID) []string {
	f.tb.Helper()
	var out []string
	for _, e := range f.eventsAfter(after) {
		out = append(out, describe(f.tb, e))
	}
	return out
}

// eventDialog is the dialog the i-th event after after carries (a PUT's
// dialog, or the one dialog of a POST or DELETE), for what describe leaves
// out: secondaryId, associatedDialogUri, call variables, causes.
func (f *fixture) eventDialog(after acd.EventID, i int) model.Dialog {
	f.tb.Helper()
	evs := f.eventsAfter(after)
	if i >= len(evs) {
		f.tb.Fatalf("no event %d after %d (%d events)", i, after, len(evs))
	}
	u := parseUpdate(f.tb, evs[i])
	switch {
	case u.Data != nil && u.Data.Tag == "dialog":
		return parseDialogEl(f.tb, u)
	case u.Data != nil && u.Data.Tag == "dialogs":
		if ds := dialogsOf(f.tb, u); len(ds) == 1 {
			return ds[0]
		}
	}
	f.tb.Fatalf("event %d after %d carries no one dialog: %s", i, after, describe(f.tb, evs[i]))
	return model.Dialog{}
}

// The actions an agent's party is offered in each state, in the order real
// UCCE captures list them.
var (
	actsRinging = []string{"ANSWER"}
	actsDialing = []string{"UPDATE_CALL_DATA", "DROP"}
	actsActive  = []string{"TRANSFER_SST", "CONSULT_CALL", "HOLD", "UPDATE_CALL_DATA", "SEND_DTMF", "DROP"}
	actsHeld    = []string{"UPDATE_CALL_DATA", "DROP", "RETRIEVE"}
	// actsConsulted: held while the agent's consult is answered. Finesse
	// offers TRANSFER and CONFERENCE only then, when the agent also has an
	// active call (spec §5, §7); while the consult only rings the held
	// party is offered actsHeld.
	actsConsulted = []string{"TRANSFER", "CONFERENCE", "UPDATE_CALL_DATA", "DROP", "RETRIEVE"}
	actsFailed    = []string{"DROP"}
)

package model

import (
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// History is an agent's My History since sign-in, as served at
// /finesse/api/User/{id}/History. Finesse shows it on the desktop but
// documents no REST resource for it; the shape follows the others.
type History struct {
	Calls  []CallHistory
	States []StateHistory
}

// CallHistory is one call of the agent's history.
type CallHistory struct {
	Type         string
	Number       string
	Disposition  string
	WrapUpReason string
	Queue        string
	Start        time.Time
	Duration     time.Duration
}

// StateHistory is one state of the agent's history.
type StateHistory struct {
	State        AgentState
	ReasonCodeID string
	ReasonLabel  string
	Start        time.Time
	Duration     time.Duration
}

// Element renders h as <History>, newest entries last; durations are in
// whole seconds.
func (h History) Element() *etree.Element {
	el := etree.NewElement("History")
	calls := el.CreateElement("calls")
	for _, c := range h.Calls {
		ce := calls.CreateElement("Call")
		addText(ce, "disposition", c.Disposition)
		addText(ce, "duration", seconds(c.Duration))
		addText(ce, "number", c.Number)
		addText(ce, "queue", c.Queue)
		addText(ce, "startTime", FormatTime(c.Start))
		addText(ce, "type", c.Type)
		addText(ce, "wrapUpReason", c.WrapUpReason)
	}
	states := el.CreateElement("states")
	for _, s := range h.States {
		se := states.CreateElement("State")
		addText(se, "duration", seconds(s.Duration))
		addText(se, "reasonCodeId", s.ReasonCodeID)
		addText(se, "reasonLabel", s.ReasonLabel)
		addText(se, "startTime", FormatTime(s.Start))
		addText(se, "state", string(s.State))
	}
	return el
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

package model

import (
	"fmt"
	"time"

	"github.com/beevik/etree"
)

// QueueURI is the resource address (and pubsub node) of queue id.
func QueueURI(id string) string { return "/finesse/api/Queue/" + id }

// Queue is a skill group with its live statistics.
type Queue struct {
	ID         string
	Name       string
	Statistics QueueStatistics
}

// QueueStatistics are the counters of a Queue. Unassigned is set for a
// queue the asking user has no agents in, which Finesse reports as -1 counts
// and empty strings.
type QueueStatistics struct {
	CallsInQueue                  int
	StartTimeOfLongestCallInQueue time.Time
	AgentsReady                   int
	AgentsNotReady                int
	AgentsBusyOther               int
	AgentsLoggedOn                int
	AgentsTalkingInbound          int
	AgentsTalkingOutbound         int
	AgentsTalkingInternal         int
	AgentsWrapUpNotReady          int
	AgentsWrapUpReady             int
}

// Element renders q as <Queue>.
func (q Queue) Element() *etree.Element {
	el := etree.NewElement("Queue")
	addText(el, "name", q.Name)
	el.AddChild(q.Statistics.Element())
	addText(el, "uri", QueueURI(q.ID))
	return el
}

// Element renders s as <statistics>.
func (s QueueStatistics) Element() *etree.Element {
	el := etree.NewElement("statistics")
	addInt(el, "agentsBusyOther", s.AgentsBusyOther)
	addInt(el, "agentsLoggedOn", s.AgentsLoggedOn)
	addInt(el, "agentsNotReady", s.AgentsNotReady)
	addInt(el, "agentsReady", s.AgentsReady)
	addInt(el, "agentsTalkingInbound", s.AgentsTalkingInbound)
	addInt(el, "agentsTalkingInternal", s.AgentsTalkingInternal)
	addInt(el, "agentsTalkingOutbound", s.AgentsTalkingOutbound)
	addInt(el, "agentsWrapUpNotReady", s.AgentsWrapUpNotReady)
	addInt(el, "agentsWrapUpReady", s.AgentsWrapUpReady)
	addInt(el, "callsInQueue", s.CallsInQueue)
	addText(el, "startTimeOfLongestCallInQueue", formatQueueTime(s.StartTimeOfLongestCallInQueue))
	return el
}

// QueueTimeLayout is the seconds-precision timestamp of Queue statistics.
const QueueTimeLayout = "2006-01-02T15:04:05Z"

func formatQueueTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(QueueTimeLayout)
}

// QueuesElement renders a <Queues> list.
func QueuesElement(queues []Queue) *etree.Element {
	el := etree.NewElement("Queues")
	for _, q := range queues {
		el.AddChild(q.Element())
	}
	return el
}

// ParseQueue reads a <Queue>, whose id is only in its uri.
func ParseQueue(el *etree.Element) (Queue, error) {
	q := Queue{ID: lastSegment(childText(el, "uri")), Name: childText(el, "name")}
	r := fieldReader{el: el.SelectElement("statistics")}
	q.Statistics = QueueStatistics{
		CallsInQueue:                  r.integer("callsInQueue"),
		StartTimeOfLongestCallInQueue: r.timestamp("startTimeOfLongestCallInQueue", QueueTimeLayout),
		AgentsReady:                   r.integer("agentsReady"),
		AgentsNotReady:                r.integer("agentsNotReady"),
		AgentsBusyOther:               r.integer("agentsBusyOther"),
		AgentsLoggedOn:                r.integer("agentsLoggedOn"),
		AgentsTalkingInbound:          r.integer("agentsTalkingInbound"),
		AgentsTalkingOutbound:         r.integer("agentsTalkingOutbound"),
		AgentsTalkingInternal:         r.integer("agentsTalkingInternal"),
		AgentsWrapUpNotReady:          r.integer("agentsWrapUpNotReady"),
		AgentsWrapUpReady:             r.integer("agentsWrapUpReady"),
	}
	if r.err != nil {
		return Queue{}, fmt.Errorf("parse Queue %s: statistics: %w", q.ID, r.err)
	}
	return q, nil
}

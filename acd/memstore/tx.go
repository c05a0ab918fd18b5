package memstore

import (
	"bytes"
	"slices"
	"strconv"

	"github.com/finessed/finessed/acd"
)

// memTx records the version of everything it reads and stages its writes;
// reads see the transaction's own writes.
type memTx struct {
	s      *Store
	reads  map[string]uint64
	writes map[string]any
	events []acd.Event
}

// get reads key within the transaction.
func (t *memTx) get(key string) any {
	if v, ok := t.writes[key]; ok {
		return cloneValue(v)
	}
	v, version := t.s.read(key)
	if _, seen := t.reads[key]; !seen {
		t.reads[key] = version
	}
	return v
}

func (t *memTx) put(key string, v any) { t.writes[key] = cloneValue(v) }

func (t *memTx) Agent(id string) (acd.Agent, error) {
	if a, ok := t.get("agent:" + id).(acd.Agent); ok {
		return a, nil
	}
	return acd.SignedOut(id), nil
}

func (t *memTx) AgentsOf(ids []string) ([]acd.Agent, error) {
	out := make([]acd.Agent, len(ids))
	for i, id := range ids {
		out[i], _ = t.Agent(id)
	}
	return out, nil
}

func (t *memTx) PutAgent(a acd.Agent) { t.put("agent:"+a.ID, a) }

func (t *memTx) DeviceHolder(ext string) (string, error) {
	id, _ := t.get("device:" + ext).(string)
	return id, nil
}

func (t *memTx) SetDeviceHolder(ext, agentID string) { t.put("device:"+ext, agentID) }

func (t *memTx) Subscriptions(user string) ([]acd.Subscription, error) {
	subs, _ := t.get("subs:" + user).([]acd.Subscription)
	return subs, nil
}

func (t *memTx) PutSubscriptions(user string, subs []acd.Subscription) {
	t.put("subs:"+user, slices.Clone(subs))
}

func (t *memTx) Call(id string) (acd.Call, bool, error) {
	c, ok := t.get("call:" + id).(acd.Call)
	return c, ok, nil
}

func (t *memTx) PutCall(c acd.Call) { t.put("call:"+c.ID, c) }

func (t *memTx) Dialog(id string) (acd.Dialog, bool, error) {
	d, ok := t.get("dialog:" + id).(acd.Dialog)
	return d, ok, nil
}

func (t *memTx) PutDialog(d acd.Dialog) { t.put("dialog:"+d.ID, d) }

func (t *memTx) Waiting(queue string) ([]string, error) {
	calls, _ := t.get("waiting:" + queue).([]string)
	return calls, nil
}

func (t *memTx) PutWaiting(queue string, calls []string) {
	t.put("waiting:"+queue, slices.Clone(calls))
}

func (t *memTx) NextID(sequence string) (string, error) {
	n, _ := t.get("seq:" + sequence).(int64)
	n++
	t.put("seq:"+sequence, n)
	return strconv.FormatInt(n, 10), nil
}

func (t *memTx) History(agent string) (acd.History, error) {
	h, _ := t.get("history:" + agent).(acd.History)
	return h, nil
}

func (t *memTx) PutHistory(agent string, h acd.History) { t.put("history:"+agent, h) }

func (t *memTx) DeleteCall(id string) { t.writes["call:"+id] = nil }

func (t *memTx) DeleteDialog(id string) { t.writes["dialog:"+id] = nil }

func (t *memTx) RoutingMark(queue string) (string, error) {
	mark, _ := t.get("mark:" + queue).(string)
	return mark, nil
}

func (t *memTx) PutRoutingMark(queue, mark string) { t.put("mark:"+queue, mark) }

// Emit keeps e for the commit. A payload with much spare capacity (a
// rendering buffer grown by doubling) is copied to its length here, outside
// the commit lock, so that the log holds the document, not the buffer.
func (t *memTx) Emit(e acd.Event) {
	if n := len(e.Payload); cap(e.Payload)-n > n/4 {
		e.Payload = bytes.Clone(e.Payload)
	}
	t.events = append(t.events, e)
}

func (t *memTx) Desktop(jid string) (acd.Desktop, bool, error) {
	d, ok := t.get("desktop:" + jid).(acd.Desktop)
	return d, ok, nil
}

func (t *memTx) PutDesktop(d acd.Desktop) { t.put("desktop:"+d.JID, d) }

func (t *memTx) TeamMessage(id string) (acd.TeamMessage, bool, error) {
	m, ok := t.get("teammsg:" + id).(acd.TeamMessage)
	return m, ok, nil
}

func (t *memTx) PutTeamMessage(m acd.TeamMessage) { t.put("teammsg:"+m.ID, m) }

func (t *memTx) DeleteTeamMessage(id string) { t.writes["teammsg:"+id] = nil }

func (t *memTx) DeleteDesktop(jid string) { t.writes["desktop:"+jid] = nil }

func (t *memTx) LastRequest(user string) (acd.LastRequest, error) {
	r, _ := t.get("lastreq:" + user).(acd.LastRequest)
	return r, nil
}

func (t *memTx) PutLastRequest(user string, r acd.LastRequest) { t.put("lastreq:"+user, r) }

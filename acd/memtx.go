package acd

import (
	"slices"
	"strconv"
)

// memTx records the version of everything it reads and stages its writes;
// reads see the transaction's own writes.
type memTx struct {
	s      *MemoryStore
	reads  map[string]uint64
	writes map[string]any
	events []Event
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

func (t *memTx) Agent(id string) (Agent, error) {
	if a, ok := t.get("agent:" + id).(Agent); ok {
		return a, nil
	}
	return signedOut(id), nil
}

func (t *memTx) AgentsOf(ids []string) ([]Agent, error) {
	out := make([]Agent, len(ids))
	for i, id := range ids {
		out[i], _ = t.Agent(id)
	}
	return out, nil
}

func (t *memTx) PutAgent(a Agent) { t.put("agent:"+a.ID, a) }

func (t *memTx) DeviceHolder(ext string) (string, error) {
	id, _ := t.get("device:" + ext).(string)
	return id, nil
}

func (t *memTx) SetDeviceHolder(ext, agentID string) { t.put("device:"+ext, agentID) }

func (t *memTx) Subscriptions(user string) ([]Subscription, error) {
	subs, _ := t.get("subs:" + user).([]Subscription)
	return subs, nil
}

func (t *memTx) PutSubscriptions(user string, subs []Subscription) {
	t.put("subs:"+user, slices.Clone(subs))
}

func (t *memTx) Call(id string) (Call, bool, error) {
	c, ok := t.get("call:" + id).(Call)
	return c, ok, nil
}

func (t *memTx) PutCall(c Call) { t.put("call:"+c.ID, c) }

func (t *memTx) Dialog(id string) (Dialog, bool, error) {
	d, ok := t.get("dialog:" + id).(Dialog)
	return d, ok, nil
}

func (t *memTx) PutDialog(d Dialog) { t.put("dialog:"+d.ID, d) }

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

func (t *memTx) History(agent string) (History, error) {
	h, _ := t.get("history:" + agent).(History)
	return h, nil
}

func (t *memTx) PutHistory(agent string, h History) { t.put("history:"+agent, h) }

func (t *memTx) DeleteCall(id string) { t.writes["call:"+id] = nil }

func (t *memTx) DeleteDialog(id string) { t.writes["dialog:"+id] = nil }

func (t *memTx) RoutingMark(queue string) (string, error) {
	mark, _ := t.get("mark:" + queue).(string)
	return mark, nil
}

func (t *memTx) PutRoutingMark(queue, mark string) { t.put("mark:"+queue, mark) }

func (t *memTx) Emit(e Event) { t.events = append(t.events, e) }

func (t *memTx) Desktop(jid string) (Desktop, bool, error) {
	d, ok := t.get("desktop:" + jid).(Desktop)
	return d, ok, nil
}

func (t *memTx) PutDesktop(d Desktop) { t.put("desktop:"+d.JID, d) }

func (t *memTx) DeleteDesktop(jid string) { t.writes["desktop:"+jid] = nil }

func (t *memTx) LastRequest(user string) (LastRequest, error) {
	r, _ := t.get("lastreq:" + user).(LastRequest)
	return r, nil
}

func (t *memTx) PutLastRequest(user string, r LastRequest) { t.put("lastreq:"+user, r) }

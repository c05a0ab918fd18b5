package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/finessed/finessed/acd"
)

// tx is one run of a transaction: what it read (with the version to check
// at commit), what it wrote (nil: deleted) and the events it emitted. The
// first error a read meets is kept and fails the transaction.
//
// Keys a transaction is likely to read are fetched ahead, together with
// one it reads, in one round trip; they wait in ahead and become reads,
// checked at commit, only when the transaction reads them.
type tx struct {
	ctx    context.Context
	s      *Store
	reads  map[string]readValue
	ahead  map[string]readValue
	writes map[string]*string
	events []acd.Event
	err    error
	// agentRead is set once the transaction has read an agent.
	agentRead bool
	// agents are the agents the transaction wrote, by id, for the READY
	// index (ready.go).
	agents map[string]acd.Agent
	// release gives back the turn the transaction took on the first key
	// it read (turns.go); nil until then.
	release func()
}

// takeTurn waits for the turn of key, the first the transaction reads.
func (t *tx) takeTurn(key string) error {
	if t.release != nil {
		return nil
	}
	release, err := t.s.turns.take(t.ctx, key)
	if err != nil {
		err = fmt.Errorf("redis store: wait to read %s: %w", key, err)
		t.fail(err)
		return err
	}
	t.release = release
	return nil
}

// done gives back the transaction's turn, if it took one.
func (t *tx) done() {
	if t.release != nil {
		t.release()
		t.release = nil
	}
}

type readValue struct {
	data    []byte
	version uint64
}

// raw reads key as the transaction sees it: its own write if any, else the
// value it read first, else Redis.
func (t *tx) raw(key string) ([]byte, error) {
	if w, ok := t.writes[key]; ok {
		if w == nil {
			return nil, nil
		}
		return []byte(*w), nil
	}
	if r, ok := t.reads[key]; ok {
		return r.data, nil
	}
	if r, ok := t.ahead[key]; ok {
		delete(t.ahead, key)
		t.reads[key] = r
		return r.data, nil
	}
	if err := t.takeTurn(key); err != nil {
		return nil, err
	}
	data, ver, err := t.s.get(t.ctx, key)
	if err != nil {
		t.fail(err)
		return nil, err
	}
	t.reads[key] = readValue{data, ver}
	return data, nil
}

func (t *tx) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// read decodes key into v, reporting whether it exists.
func (t *tx) read(key string, v any) (bool, error) {
	data, err := t.raw(key)
	if err != nil || data == nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		err = fmt.Errorf("redis store: decode %s: %w", key, err)
		t.fail(err)
		return false, err
	}
	return true, nil
}

func (t *tx) put(key string, v any) {
	data, err := encode(v)
	if err != nil {
		t.fail(fmt.Errorf("redis store: encode %s: %w", key, err))
		return
	}
	t.writes[key] = &data
}

// Agent implements acd.Tx. The first agent a transaction reads is most
// often the one whose state it changes, which is then recorded in its
// history: both come in one round trip.
func (t *tx) Agent(id string) (acd.Agent, error) {
	if !t.agentRead {
		t.agentRead = true
		if err := t.fetchAhead("agent:"+id, "history:"+id); err != nil {
			return acd.Agent{}, err
		}
	}
	var a acd.Agent
	found, err := t.read("agent:"+id, &a)
	if !found && err == nil {
		return acd.SignedOut(id), nil
	}
	return a, err
}

// AgentsOf implements acd.Tx with one MGET for the agents the transaction
// has not read yet.
func (t *tx) AgentsOf(ids []string) ([]acd.Agent, error) {
	t.agentRead = true
	if err := t.prefetch(ids); err != nil {
		return nil, err
	}
	out := make([]acd.Agent, len(ids))
	for i, id := range ids {
		a, err := t.Agent(id)
		if err != nil {
			return nil, err
		}
		out[i] = a
	}
	return out, nil
}

// prefetch fetches ahead the agents among ids.
func (t *tx) prefetch(ids []string) error {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = "agent:" + id
	}
	return t.fetchAhead(keys...)
}

// fetchAhead reads, in one round trip, the keys the transaction has not
// read, written or fetched ahead yet, keeping them for when it reads them.
func (t *tx) fetchAhead(keys ...string) error {
	var names []string
	for _, key := range keys {
		_, read := t.reads[key]
		_, ahead := t.ahead[key]
		_, written := t.writes[key]
		if !read && !ahead && !written {
			names = append(names, key)
		}
	}
	if len(names) == 0 {
		return nil
	}
	if err := t.takeTurn(names[0]); err != nil {
		return err
	}
	values, err := t.s.mget(t.ctx, names)
	if err != nil {
		t.fail(err)
		return err
	}
	if t.ahead == nil {
		t.ahead = make(map[string]readValue, len(values))
	}
	for i, v := range values {
		t.ahead[names[i]] = v
	}
	return nil
}

func (t *tx) PutAgent(a acd.Agent) {
	t.put("agent:"+a.ID, a)
	if t.s.file != nil {
		if t.agents == nil {
			t.agents = map[string]acd.Agent{}
		}
		t.agents[a.ID] = a
	}
}

func (t *tx) DeviceHolder(ext string) (string, error) {
	var id string
	_, err := t.read("device:"+ext, &id)
	return id, err
}

func (t *tx) SetDeviceHolder(ext, agentID string) { t.put("device:"+ext, agentID) }

func (t *tx) Subscriptions(user string) ([]acd.Subscription, error) {
	var subs []acd.Subscription
	_, err := t.read("subs:"+user, &subs)
	return subs, err
}

func (t *tx) PutSubscriptions(user string, subs []acd.Subscription) { t.put("subs:"+user, subs) }

func (t *tx) Call(id string) (acd.Call, bool, error) {
	var c acd.Call
	found, err := t.read("call:"+id, &c)
	return c, found, err
}

func (t *tx) PutCall(c acd.Call) { t.put("call:"+c.ID, c) }

func (t *tx) DeleteCall(id string) { t.writes["call:"+id] = nil }

func (t *tx) Dialog(id string) (acd.Dialog, bool, error) {
	var d acd.Dialog
	found, err := t.read("dialog:"+id, &d)
	return d, found, err
}

func (t *tx) PutDialog(d acd.Dialog) { t.put("dialog:"+d.ID, d) }

func (t *tx) DeleteDialog(id string) { t.writes["dialog:"+id] = nil }

func (t *tx) Waiting(queue string) ([]string, error) {
	var calls []string
	_, err := t.read("waiting:"+queue, &calls)
	return calls, err
}

func (t *tx) PutWaiting(queue string, calls []string) { t.put("waiting:"+queue, calls) }

func (t *tx) NextID(sequence string) (string, error) {
	var n int64
	if _, err := t.read("seq:"+sequence, &n); err != nil {
		return "", err
	}
	n++
	t.put("seq:"+sequence, n)
	return strconv.FormatInt(n, 10), nil
}

func (t *tx) History(agent string) (acd.History, error) {
	key := "history:" + agent
	data, err := t.raw(key)
	if err != nil || data == nil {
		return acd.History{}, err
	}
	h, err := t.s.histories.decode(key, data)
	if err != nil {
		err = fmt.Errorf("redis store: decode %s: %w", key, err)
		t.fail(err)
	}
	return h, err
}

func (t *tx) PutHistory(agent string, h acd.History) {
	key := "history:" + agent
	data := t.s.histories.encode(key, h)
	t.writes[key] = &data
}

func (t *tx) RoutingMark(queue string) (string, error) {
	var mark string
	_, err := t.read("mark:"+queue, &mark)
	return mark, err
}

func (t *tx) PutRoutingMark(queue, mark string) { t.put("mark:"+queue, mark) }

func (t *tx) Emit(e acd.Event) { t.events = append(t.events, e) }

func (t *tx) Desktop(jid string) (acd.Desktop, bool, error) {
	var d acd.Desktop
	found, err := t.read("desktop:"+jid, &d)
	return d, found, err
}

func (t *tx) PutDesktop(d acd.Desktop) { t.put("desktop:"+d.JID, d) }

func (t *tx) TeamMessage(id string) (acd.TeamMessage, bool, error) {
	var m acd.TeamMessage
	found, err := t.read("teammsg:"+id, &m)
	return m, found, err
}

func (t *tx) PutTeamMessage(m acd.TeamMessage) { t.put("teammsg:"+m.ID, m) }

func (t *tx) DeleteTeamMessage(id string) { t.writes["teammsg:"+id] = nil }

func (t *tx) DeleteDesktop(jid string) { t.writes["desktop:"+jid] = nil }

// LastRequest implements acd.Tx. The request it guards goes on to read the
// same user's agent and, changing its state, its history, so all three
// come in one round trip.
func (t *tx) LastRequest(user string) (acd.LastRequest, error) {
	if err := t.fetchAhead("lastreq:"+user, "agent:"+user, "history:"+user); err != nil {
		return acd.LastRequest{}, err
	}
	var r acd.LastRequest
	_, err := t.read("lastreq:"+user, &r)
	return r, err
}

func (t *tx) PutLastRequest(user string, r acd.LastRequest) { t.put("lastreq:"+user, r) }

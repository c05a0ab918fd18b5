package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// world is one of every kind of value a Store keeps, each under its key.
// Agents, Calls and Dialogs are in ID order.
type world struct {
	Agents        []acd.Agent
	Devices       map[string]string // extension: agent
	Subscriptions map[string][]acd.Subscription
	Calls         []acd.Call
	Dialogs       []acd.Dialog
	Waiting       map[string][]string
	Histories     map[string]acd.History
	Marks         map[string]string
	Desktops      []acd.Desktop
	LastRequests  map[string]acd.LastRequest
	Campaigns     []acd.Campaign
	Contacts      []acd.Contact // of campaign "1", in order
	ReasonCodes   []acd.ReasonCodeRecord
	MediaAgents   []acd.MediaAgent
	WrapUps       []acd.WrapUpRecord
	PhoneBooks    []acd.PhoneBookRecord
	Workflows     []acd.WorkflowRecord // listed by the Store only
	Actions       []acd.ActionRecord
	Layouts       []acd.LayoutRecord
}

// fixtureWorld holds a full and a sparse value of every kind.
func fixtureWorld() world {
	return world{
		Agents:  []acd.Agent{fullAgent("1001"), sparseAgent("1002")},
		Devices: map[string]string{"3001": "1001", "3002": "1002"},
		Subscriptions: map[string][]acd.Subscription{
			"1001": fullSubscriptions("1001"),
			"1002": {{Node: "/finesse/api/User/1002", JID: "1002@finesse.example"}},
		},
		Calls:     []acd.Call{fullCall("c1"), sparseCall("c2")},
		Dialogs:   []acd.Dialog{fullDialog("17"), sparseDialog("18")},
		Waiting:   map[string][]string{"100": {"c9", "c1", "c5"}, "200": {"c2"}},
		Histories: map[string]acd.History{"1001": fullHistory(), "1002": sparseHistory()},
		Marks:     map[string]string{"100": "1002", "200": awkward},
		Desktops:  []acd.Desktop{fullDesktop("1001@finesse.example/away"), sparseDesktop("1002@finesse.example/" + awkward)},
		LastRequests: map[string]acd.LastRequest{
			"1001": {Key: "PUT /finesse/api/User/1001 " + awkward, At: at(3 * time.Second)},
			"2001": {Key: "k"},
		},
		Campaigns:   []acd.Campaign{fullCampaign("1"), sparseCampaign("2")},
		Contacts:    []acd.Contact{fullContact("1", 1), {Campaign: "1", N: 2, PhoneNumber: "5550199"}, fullContact("1", 10)},
		Workflows:   []acd.WorkflowRecord{fullWorkflow("3")},
		Actions:     []acd.ActionRecord{fullAction("7")},
		Layouts:     []acd.LayoutRecord{fullLayout("2")},
		PhoneBooks:  []acd.PhoneBookRecord{fullPhoneBook("4"), {Book: model.PhoneBook{ID: "5", Name: "Five", Type: model.PhoneBookGlobal}}},
		WrapUps:     []acd.WrapUpRecord{fullWrapUp("12"), {Reason: model.WrapUpReason{ID: "8", Label: "Eight"}}},
		MediaAgents: []acd.MediaAgent{fullMediaAgent("1001"), {Agent: "1002", MRD: "5001", State: acd.MediaLogout}},
		ReasonCodes: []acd.ReasonCodeRecord{
			fullReasonCode("17"), {Code: model.ReasonCode{ID: "9", Category: model.CategoryNotReady, Code: 9, Label: "Nine"}},
		},
	}
}

// put writes all of w in tx.
func (w world) put(tx acd.Tx) {
	for _, a := range w.Agents {
		tx.PutAgent(a)
	}
	for ext, id := range w.Devices {
		tx.SetDeviceHolder(ext, id)
	}
	for user, subs := range w.Subscriptions {
		tx.PutSubscriptions(user, subs)
	}
	for _, c := range w.Calls {
		tx.PutCall(c)
	}
	for _, d := range w.Dialogs {
		tx.PutDialog(d)
	}
	for q, calls := range w.Waiting {
		tx.PutWaiting(q, calls)
	}
	for agent, h := range w.Histories {
		tx.PutHistory(agent, h)
	}
	for q, mark := range w.Marks {
		tx.PutRoutingMark(q, mark)
	}
	for _, d := range w.Desktops {
		tx.PutDesktop(d)
	}
	for user, r := range w.LastRequests {
		tx.PutLastRequest(user, r)
	}
	for _, c := range w.Campaigns {
		tx.PutCampaign(c)
	}
	for _, k := range w.Contacts {
		tx.PutContact(k)
	}
	for _, r := range w.ReasonCodes {
		tx.PutReasonCode(r)
	}
	for _, m := range w.MediaAgents {
		tx.PutMediaAgent(m)
	}
	for _, r := range w.WrapUps {
		tx.PutWrapUpRecord(r)
	}
	for _, r := range w.PhoneBooks {
		tx.PutPhoneBookRecord(r)
	}
	for _, r := range w.Workflows {
		tx.PutWorkflowRecord(r)
	}
	for _, r := range w.Actions {
		tx.PutActionRecord(r)
	}
	for _, r := range w.Layouts {
		tx.PutLayoutRecord(r)
	}
}

// readTx reads, in tx, every key w has.
func (w world) readTx(t testing.TB, tx acd.Tx) world {
	t.Helper()
	got := world{
		Devices:       map[string]string{},
		Subscriptions: map[string][]acd.Subscription{},
		Waiting:       map[string][]string{},
		Histories:     map[string]acd.History{},
		Marks:         map[string]string{},
		LastRequests:  map[string]acd.LastRequest{},
	}
	for _, a := range w.Agents {
		got.Agents = append(got.Agents, must(tx.Agent(a.ID))(t))
	}
	for ext := range w.Devices {
		got.Devices[ext] = must(tx.DeviceHolder(ext))(t)
	}
	for user := range w.Subscriptions {
		got.Subscriptions[user] = must(tx.Subscriptions(user))(t)
	}
	for _, c := range w.Calls {
		if f := must2(tx.Call(c.ID))(t); f.Found {
			got.Calls = append(got.Calls, f.Value)
		} else {
			t.Errorf("Tx.Call(%q) found nothing", c.ID)
		}
	}
	for _, d := range w.Dialogs {
		if f := must2(tx.Dialog(d.ID))(t); f.Found {
			got.Dialogs = append(got.Dialogs, f.Value)
		} else {
			t.Errorf("Tx.Dialog(%q) found nothing", d.ID)
		}
	}
	for q := range w.Waiting {
		got.Waiting[q] = must(tx.Waiting(q))(t)
	}
	for agent := range w.Histories {
		got.Histories[agent] = must(tx.History(agent))(t)
	}
	for q := range w.Marks {
		got.Marks[q] = must(tx.RoutingMark(q))(t)
	}
	for _, d := range w.Desktops {
		if f := must2(tx.Desktop(d.JID))(t); f.Found {
			got.Desktops = append(got.Desktops, f.Value)
		} else {
			t.Errorf("Tx.Desktop(%q) found nothing", d.JID)
		}
	}
	for user := range w.LastRequests {
		got.LastRequests[user] = must(tx.LastRequest(user))(t)
	}
	for _, c := range w.Campaigns {
		if f := must2(tx.Campaign(c.ID))(t); f.Found {
			got.Campaigns = append(got.Campaigns, f.Value)
		} else {
			t.Errorf("Tx.Campaign(%q) found nothing", c.ID)
		}
	}
	for _, k := range w.Contacts {
		if f := must2(tx.Contact(k.Campaign, k.N))(t); f.Found {
			got.Contacts = append(got.Contacts, f.Value)
		} else {
			t.Errorf("Tx.Contact(%q, %d) found nothing", k.Campaign, k.N)
		}
	}
	for _, r := range w.ReasonCodes {
		if f := must2(tx.ReasonCode(r.Code.ID))(t); f.Found {
			got.ReasonCodes = append(got.ReasonCodes, f.Value)
		} else {
			t.Errorf("Tx.ReasonCode(%q) found nothing", r.Code.ID)
		}
	}
	for _, m := range w.MediaAgents {
		if f := must2(tx.MediaAgent(m.Agent, m.MRD))(t); f.Found {
			got.MediaAgents = append(got.MediaAgents, f.Value)
		} else {
			t.Errorf("Tx.MediaAgent(%q, %q) found nothing", m.Agent, m.MRD)
		}
	}
	for _, r := range w.WrapUps {
		if f := must2(tx.WrapUpRecord(r.Reason.ID))(t); f.Found {
			got.WrapUps = append(got.WrapUps, f.Value)
		} else {
			t.Errorf("Tx.WrapUpRecord(%q) found nothing", r.Reason.ID)
		}
	}
	for _, r := range w.PhoneBooks {
		if f := must2(tx.PhoneBookRecord(r.Book.ID))(t); f.Found {
			got.PhoneBooks = append(got.PhoneBooks, f.Value)
		} else {
			t.Errorf("Tx.PhoneBookRecord(%q) found nothing", r.Book.ID)
		}
	}
	return got
}

// readStore reads through the Store, outside any transaction, what it
// can of w: agents, subscriptions, calls and dialogs, each by key.
func (w world) readStore(t testing.TB, s acd.Store) world {
	t.Helper()
	ctx := t.Context()
	got := world{Subscriptions: map[string][]acd.Subscription{}}
	for _, a := range w.Agents {
		got.Agents = append(got.Agents, must(s.Agent(ctx, a.ID))(t))
	}
	for user := range w.Subscriptions {
		got.Subscriptions[user] = must(s.Subscriptions(ctx, user))(t)
	}
	for _, c := range w.Calls {
		if f := must2(s.Call(ctx, c.ID))(t); f.Found {
			got.Calls = append(got.Calls, f.Value)
		} else {
			t.Errorf("Store.Call(%q) found nothing", c.ID)
		}
	}
	for _, d := range w.Dialogs {
		if f := must2(s.Dialog(ctx, d.ID))(t); f.Found {
			got.Dialogs = append(got.Dialogs, f.Value)
		} else {
			t.Errorf("Store.Dialog(%q) found nothing", d.ID)
		}
	}
	return got
}

// storeView is the part of w the Store reads outside transactions.
func (w world) storeView() world {
	return world{Agents: w.Agents, Subscriptions: w.Subscriptions, Calls: w.Calls, Dialogs: w.Dialogs}
}

// compare fails t for every value of got that differs from want's.
func compare(t testing.TB, what string, got, want world) {
	t.Helper()
	same(t, what+": agents", got.Agents, want.Agents)
	same(t, what+": device holders", got.Devices, want.Devices)
	same(t, what+": subscriptions", got.Subscriptions, want.Subscriptions)
	same(t, what+": calls", got.Calls, want.Calls)
	same(t, what+": dialogs", got.Dialogs, want.Dialogs)
	same(t, what+": waiting", got.Waiting, want.Waiting)
	same(t, what+": histories", got.Histories, want.Histories)
	same(t, what+": routing marks", got.Marks, want.Marks)
	same(t, what+": desktops", got.Desktops, want.Desktops)
	same(t, what+": last requests", got.LastRequests, want.LastRequests)
	same(t, what+": campaigns", got.Campaigns, want.Campaigns)
	same(t, what+": contacts", got.Contacts, want.Contacts)
	same(t, what+": reason codes", got.ReasonCodes, want.ReasonCodes)
	same(t, what+": media agents", got.MediaAgents, want.MediaAgents)
	same(t, what+": wrap-up records", got.WrapUps, want.WrapUps)
	same(t, what+": phone book records", got.PhoneBooks, want.PhoneBooks)
}

// checkTx fails t unless tx reads exactly w.
func (w world) checkTx(t testing.TB, what string, tx acd.Tx) {
	t.Helper()
	compare(t, what+" (read in a Tx)", w.readTx(t, tx), w)
}

// checkStore fails t unless the Store, outside any transaction, reads
// exactly w, and lists exactly w's agents, calls and dialogs.
func (w world) checkStore(t testing.TB, what string, s acd.Store) {
	t.Helper()
	ctx := t.Context()
	compare(t, what+" (read from the Store)", w.readStore(t, s), w.storeView())
	same(t, what+": Store.Agents", sortedAgents(must(s.Agents(ctx))(t)), w.Agents)
	same(t, what+": Store.Calls", sortedCalls(must(s.Calls(ctx))(t)), w.Calls)
	same(t, what+": Store.Dialogs", sortedDialogs(must(s.Dialogs(ctx))(t)), w.Dialogs)
	same(t, what+": Store.Desktops", sortedDesktops(must(s.Desktops(ctx))(t)), w.Desktops)
	same(t, what+": Store.Campaigns", sortedCampaigns(must(s.Campaigns(ctx))(t)), w.Campaigns)
	same(t, what+": Store.Contacts", sortedContacts(must(s.Contacts(ctx, "1"))(t)), w.Contacts)
	same(t, what+": Store.Contacts of a campaign with none", must(s.Contacts(ctx, "9"))(t), []acd.Contact{})
	codes := must(s.ReasonCodes(ctx))(t)
	slices.SortFunc(codes, func(a, b acd.ReasonCodeRecord) int { return strings.Compare(a.Code.ID, b.Code.ID) })
	same(t, what+": Store.ReasonCodes", codes, w.ReasonCodes)
	wrapUps := must(s.WrapUpRecords(ctx))(t)
	slices.SortFunc(wrapUps, func(a, b acd.WrapUpRecord) int { return strings.Compare(a.Reason.ID, b.Reason.ID) })
	same(t, what+": Store.WrapUpRecords", wrapUps, w.WrapUps)
	books := must(s.PhoneBookRecords(ctx))(t)
	slices.SortFunc(books, func(a, b acd.PhoneBookRecord) int { return strings.Compare(a.Book.ID, b.Book.ID) })
	same(t, what+": Store.PhoneBookRecords", books, w.PhoneBooks)
	same(t, what+": Store.WorkflowRecords", must(s.WorkflowRecords(ctx))(t), w.Workflows)
	same(t, what+": Store.ActionRecords", must(s.ActionRecords(ctx))(t), w.Actions)
	same(t, what+": Store.LayoutRecords", must(s.LayoutRecords(ctx))(t), w.Layouts)
}

func sortedCampaigns(cs []acd.Campaign) []acd.Campaign {
	slices.SortFunc(cs, func(a, b acd.Campaign) int { return strings.Compare(a.ID, b.ID) })
	return cs
}

func sortedContacts(ks []acd.Contact) []acd.Contact {
	slices.SortFunc(ks, func(a, b acd.Contact) int { return a.N - b.N })
	return ks
}

// scribble overwrites, in place, an element of every slice w holds, so
// that whatever still shares memory with them changes too.
func (w world) scribble() {
	for _, a := range w.Agents {
		if len(a.Dialogs) > 0 {
			a.Dialogs[0] = "scribbled"
		}
	}
	for _, subs := range w.Subscriptions {
		if len(subs) > 0 {
			subs[0].Node = "scribbled"
		}
	}
	for _, c := range w.Calls {
		if len(c.Variables) > 0 {
			c.Variables[0].Value = "scribbled"
		}
	}
	for _, d := range w.Dialogs {
		if len(d.Variables) > 0 {
			d.Variables[0].Value = "scribbled"
		}
		if len(d.Parties) > 0 {
			d.Parties[0].State = "scribbled"
		}
	}
	for _, r := range w.Workflows {
		if len(r.Workflow.Conditions) > 0 {
			r.Workflow.Conditions[0].Value = "scribbled"
		}
	}
	for _, r := range w.Actions {
		if len(r.Action.Params) > 0 {
			r.Action.Params[0].Value = "scribbled"
		}
	}
	for _, r := range w.PhoneBooks {
		if len(r.Book.Contacts) > 0 {
			r.Book.Contacts[0].PhoneNumber = "scribbled"
		}
	}
	for _, r := range w.Layouts {
		r.Layout.Columns[0][0].DisplayName = "scribbled"
		r.Teams[0] = "scribbled"
	}
	for _, r := range w.WrapUps {
		if len(r.Teams) > 0 {
			r.Teams[0] = "scribbled"
		}
	}
	for _, m := range w.MediaAgents {
		if len(m.Dialogs) > 0 {
			m.Dialogs[0] = "scribbled"
		}
	}
	for _, r := range w.ReasonCodes {
		if len(r.Teams) > 0 {
			r.Teams[0] = "scribbled"
		}
	}
	for _, c := range w.Campaigns {
		if len(c.Retry) > 0 {
			c.Retry[0].Contact = -1
		}
		if len(c.Callbacks) > 0 {
			c.Callbacks[0].Agent = "scribbled"
		}
		if len(c.Lines) > 0 {
			c.Lines[0].Agent = "scribbled"
		}
		if len(c.Reserved) > 0 {
			c.Reserved[0] = "scribbled"
		}
	}
	for _, calls := range w.Waiting {
		if len(calls) > 0 {
			calls[0] = "scribbled"
		}
	}
	// A history's lists may be shared with the store, whose callers only
	// append to them (Tx.History): an append must not reach the store.
	for _, h := range w.Histories {
		_ = append(h.States, acd.StateRecord{ReasonCodeID: "scribbled"})
		_ = append(h.Calls, acd.CallRecord{Dialog: "scribbled"})
	}
}

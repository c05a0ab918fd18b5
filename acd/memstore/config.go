package memstore

// Records beyond the calls and agents: the simulator's campaigns and
// contacts, the administrators' reason codes, users' nonvoice media
// states.

import (
	"context"
	"strconv"

	"github.com/finessed/finessed/acd"
)

// Campaigns implements Store.
func (s *Store) Campaigns(ctx context.Context) ([]acd.Campaign, error) {
	return scanAs[acd.Campaign](s, "campaign:"), nil
}

// Contacts implements Store.
func (s *Store) Contacts(ctx context.Context, campaign string) ([]acd.Contact, error) {
	return scanAs[acd.Contact](s, contactPrefix(campaign)), nil
}

func contactPrefix(campaign string) string { return "contact:" + campaign + ":" }

func contactKey(campaign string, n int) string { return contactPrefix(campaign) + strconv.Itoa(n) }

func (t *memTx) Campaign(id string) (acd.Campaign, bool, error) {
	c, ok := t.get("campaign:" + id).(acd.Campaign)
	return c, ok, nil
}

func (t *memTx) PutCampaign(c acd.Campaign) { t.put("campaign:"+c.ID, c) }

func (t *memTx) Contact(campaign string, n int) (acd.Contact, bool, error) {
	c, ok := t.get(contactKey(campaign, n)).(acd.Contact)
	return c, ok, nil
}

func (t *memTx) PutContact(c acd.Contact) { t.put(contactKey(c.Campaign, c.N), c) }

// ReasonCodes implements Store.
func (s *Store) ReasonCodes(ctx context.Context) ([]acd.ReasonCodeRecord, error) {
	return scanAs[acd.ReasonCodeRecord](s, "reasoncode:"), nil
}

func (t *memTx) ReasonCode(id string) (acd.ReasonCodeRecord, bool, error) {
	r, ok := t.get("reasoncode:" + id).(acd.ReasonCodeRecord)
	return r, ok, nil
}

func (t *memTx) PutReasonCode(r acd.ReasonCodeRecord) { t.put("reasoncode:"+r.Code.ID, r) }

func (t *memTx) MediaAgent(agent, mrd string) (acd.MediaAgent, bool, error) {
	m, ok := t.get("media:" + agent + ":" + mrd).(acd.MediaAgent)
	return m, ok, nil
}

func (t *memTx) PutMediaAgent(m acd.MediaAgent) { t.put("media:"+m.Agent+":"+m.MRD, m) }

// WrapUpRecords implements Store.
func (s *Store) WrapUpRecords(ctx context.Context) ([]acd.WrapUpRecord, error) {
	return scanAs[acd.WrapUpRecord](s, "wrapup:"), nil
}

func (t *memTx) WrapUpRecord(id string) (acd.WrapUpRecord, bool, error) {
	r, ok := t.get("wrapup:" + id).(acd.WrapUpRecord)
	return r, ok, nil
}

func (t *memTx) PutWrapUpRecord(r acd.WrapUpRecord) { t.put("wrapup:"+r.Reason.ID, r) }

// PhoneBookRecords implements Store.
func (s *Store) PhoneBookRecords(ctx context.Context) ([]acd.PhoneBookRecord, error) {
	return scanAs[acd.PhoneBookRecord](s, "phonebook:"), nil
}

func (t *memTx) PhoneBookRecord(id string) (acd.PhoneBookRecord, bool, error) {
	r, ok := t.get("phonebook:" + id).(acd.PhoneBookRecord)
	return r, ok, nil
}

func (t *memTx) PutPhoneBookRecord(r acd.PhoneBookRecord) { t.put("phonebook:"+r.Book.ID, r) }

// WorkflowRecords implements Store.
func (s *Store) WorkflowRecords(ctx context.Context) ([]acd.WorkflowRecord, error) {
	return scanAs[acd.WorkflowRecord](s, "workflow:"), nil
}

// ActionRecords implements Store.
func (s *Store) ActionRecords(ctx context.Context) ([]acd.ActionRecord, error) {
	return scanAs[acd.ActionRecord](s, "wfaction:"), nil
}

func (t *memTx) PutWorkflowRecord(r acd.WorkflowRecord) { t.put("workflow:"+r.Workflow.ID, r) }

func (t *memTx) PutActionRecord(r acd.ActionRecord) { t.put("wfaction:"+r.Action.ID, r) }

// LayoutRecords implements Store.
func (s *Store) LayoutRecords(ctx context.Context) ([]acd.LayoutRecord, error) {
	return scanAs[acd.LayoutRecord](s, "layout:"), nil
}

func (t *memTx) PutLayoutRecord(r acd.LayoutRecord) { t.put("layout:"+r.Layout.ID, r) }

// ReadyAgents implements Tx: the memory store keeps no READY index (one
// engine writes it, and keeps its own).
func (t *memTx) ReadyAgents(queue string, limit int) ([]string, bool, error) { return nil, false, nil }

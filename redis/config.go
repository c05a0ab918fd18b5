package redis

// Records beyond the calls and agents: the simulator's campaigns and
// contacts, the administrators' reason codes, users' nonvoice media
// states.

import (
	"context"
	"slices"
	"strconv"

	"github.com/finessed/finessed/acd"
)

// Campaigns implements acd.Store.
func (s *Store) Campaigns(ctx context.Context) ([]acd.Campaign, error) {
	return list[acd.Campaign](ctx, s, "campaign")
}

// Contacts implements acd.Store. The index lists every campaign's
// contacts together: a simulator's campaigns are few and read rarely.
func (s *Store) Contacts(ctx context.Context, campaign string) ([]acd.Contact, error) {
	all, err := list[acd.Contact](ctx, s, "contact")
	return slices.DeleteFunc(all, func(c acd.Contact) bool { return c.Campaign != campaign }), err
}

func contactKey(campaign string, n int) string {
	return "contact:" + campaign + ":" + strconv.Itoa(n)
}

func (t *tx) Campaign(id string) (acd.Campaign, bool, error) {
	var c acd.Campaign
	found, err := t.read("campaign:"+id, &c)
	return c, found, err
}

func (t *tx) PutCampaign(c acd.Campaign) { t.put("campaign:"+c.ID, c) }

func (t *tx) Contact(campaign string, n int) (acd.Contact, bool, error) {
	var c acd.Contact
	found, err := t.read(contactKey(campaign, n), &c)
	return c, found, err
}

func (t *tx) PutContact(c acd.Contact) { t.put(contactKey(c.Campaign, c.N), c) }

// ReasonCodes implements acd.Store.
func (s *Store) ReasonCodes(ctx context.Context) ([]acd.ReasonCodeRecord, error) {
	return list[acd.ReasonCodeRecord](ctx, s, "reasoncode")
}

func (t *tx) ReasonCode(id string) (acd.ReasonCodeRecord, bool, error) {
	var r acd.ReasonCodeRecord
	found, err := t.read("reasoncode:"+id, &r)
	return r, found, err
}

func (t *tx) PutReasonCode(r acd.ReasonCodeRecord) { t.put("reasoncode:"+r.Code.ID, r) }

func (t *tx) MediaAgent(agent, mrd string) (acd.MediaAgent, bool, error) {
	var m acd.MediaAgent
	found, err := t.read("media:"+agent+":"+mrd, &m)
	return m, found, err
}

func (t *tx) PutMediaAgent(m acd.MediaAgent) { t.put("media:"+m.Agent+":"+m.MRD, m) }

// WrapUpRecords implements acd.Store.
func (s *Store) WrapUpRecords(ctx context.Context) ([]acd.WrapUpRecord, error) {
	return list[acd.WrapUpRecord](ctx, s, "wrapup")
}

func (t *tx) WrapUpRecord(id string) (acd.WrapUpRecord, bool, error) {
	var r acd.WrapUpRecord
	found, err := t.read("wrapup:"+id, &r)
	return r, found, err
}

func (t *tx) PutWrapUpRecord(r acd.WrapUpRecord) { t.put("wrapup:"+r.Reason.ID, r) }

// PhoneBookRecords implements acd.Store.
func (s *Store) PhoneBookRecords(ctx context.Context) ([]acd.PhoneBookRecord, error) {
	return list[acd.PhoneBookRecord](ctx, s, "phonebook")
}

func (t *tx) PhoneBookRecord(id string) (acd.PhoneBookRecord, bool, error) {
	var r acd.PhoneBookRecord
	found, err := t.read("phonebook:"+id, &r)
	return r, found, err
}

func (t *tx) PutPhoneBookRecord(r acd.PhoneBookRecord) { t.put("phonebook:"+r.Book.ID, r) }

// WorkflowRecords implements acd.Store.
func (s *Store) WorkflowRecords(ctx context.Context) ([]acd.WorkflowRecord, error) {
	return list[acd.WorkflowRecord](ctx, s, "workflow")
}

// ActionRecords implements acd.Store.
func (s *Store) ActionRecords(ctx context.Context) ([]acd.ActionRecord, error) {
	return list[acd.ActionRecord](ctx, s, "wfaction")
}

func (t *tx) PutWorkflowRecord(r acd.WorkflowRecord) { t.put("workflow:"+r.Workflow.ID, r) }

func (t *tx) PutActionRecord(r acd.ActionRecord) { t.put("wfaction:"+r.Action.ID, r) }

// LayoutRecords implements acd.Store.
func (s *Store) LayoutRecords(ctx context.Context) ([]acd.LayoutRecord, error) {
	return list[acd.LayoutRecord](ctx, s, "layout")
}

func (t *tx) PutLayoutRecord(r acd.LayoutRecord) { t.put("layout:"+r.Layout.ID, r) }

package storetest

import (
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Fixtures. The full ones set every field (requireFull checks it), with
// times at nanosecond precision and some in a zone other than UTC, and
// strings with characters a careless encoding mangles. The sparse ones
// leave most fields zero, zero times included: a zero time must come back
// zero, since the engine tests deadlines with IsZero.

// zone is a location other than UTC and Local.
var zone = time.FixedZone("UTC+05:30", 5*3600+30*60)

// at is start moved by d.
func at(d time.Duration) time.Time { return start.Add(d) }

// awkward is a string an encoding could mangle: markup, quotes, control
// characters, non-ASCII letters and a character outside the BMP.
const awkward = "Zoë <Ångström> & \"李\" 'x'\t\r\n]]> 🎧 "

func fullAgent(id string) acd.Agent {
	return acd.Agent{
		ID:                  id,
		State:               model.StateWorkReady,
		ReasonCodeID:        "-1",
		PendingState:        model.StateNotReady,
		PendingReasonCodeID: "22",
		Extension:           "3001",
		StateChangeTime:     at(-time.Minute + 1).In(zone),
		Desktops:            map[string]int{"a": 2, "b": 1},
		AwayDeadline:        at(90*time.Second + 2),
		Cursor:              1<<53 + 1, // not exact in a float64
		ReadySince:          at(-time.Hour + 3).In(zone),
		Dialogs:             []string{"17", "18", "consult-19"},
		WrapUpDeadline:      at(time.Minute + 4),
		WrapUpDialog:        "16",
		WrapUpNeedsData:     true,
		ReturnState:         model.StateNotReady,
		ReturnReasonCodeID:  "50006",
		Mobile:              model.MobileAgent{Mode: model.MobileNailed, DialNumber: "+44 20 7946 0001"},
	}
}

func sparseAgent(id string) acd.Agent {
	return acd.Agent{ID: id, State: model.StateLogin, Extension: "3002", Dialogs: []string{}}
}

func fullCall(id string) acd.Call {
	return acd.Call{
		ID:    id,
		Queue: "Sales " + awkward,
		ANI:   "+44 20 7946 0000",
		DNIS:  "8000",
		Variables: []model.CallVariable{
			{Name: "callVariable1", Value: awkward},
			{Name: "user.ecc.account", Value: "  42  "},
		},
		Preroute:     true,
		Transferred:  true,
		State:        acd.CallAlerting,
		DialogID:     "17",
		Agent:        "1001",
		Enqueued:     at(-30*time.Second + 5).In(zone),
		RingDeadline: at(12*time.Second + 6),
		Ended:        at(time.Hour + 7),
		DTMF:         "12#*0",
		Media:        "5000",
	}
}

func sparseCall(id string) acd.Call {
	return acd.Call{
		ID:        id,
		Queue:     "Support",
		State:     acd.CallQueued,
		Variables: []model.CallVariable{{Name: "callVariable1", Value: ""}, {Name: "callVariable2", Value: "b"}},
		Enqueued:  at(8),
	}
}

func fullDialog(id string) acd.Dialog {
	return acd.Dialog{
		ID:           id,
		CallID:       "c" + id,
		CallType:     "ACD_IN",
		From:         "+44 20 7946 0000",
		To:           "3001",
		DialedNumber: "8000",
		DNIS:         "8000",
		Queue:        "100",
		QueueName:    "Sales " + awkward,
		Variables: []model.CallVariable{
			{Name: "callVariable1", Value: awkward},
			{Name: "user.ecc.account", Value: "42"},
		},
		WrapUpReason: "Sold " + awkward,
		State:        acd.DialogActive,
		Parties: []acd.Party{
			{
				Address: "+44 20 7946 0000", AddressType: "EXTERNAL", Agent: "outside", State: acd.PartyActive,
				Cause: "NORMAL", Start: at(9), Changed: at(time.Second + 10).In(zone),
				Consult: "21", ConsultReady: true, Supervisor: true,
			},
			{
				Address: "3001", AddressType: "AGENT_DEVICE", Agent: "1001", State: acd.PartyHeld,
				Cause: "CALL_CANCELLED", Start: at(11).In(zone), Changed: at(2*time.Second + 12),
				Consult: "20", ConsultReady: true, Supervisor: true,
			},
		},
		Created:        at(13),
		AnswerDeadline: at(20*time.Second + 14),
		Ended:          at(time.Hour + 15).In(zone),
		Associated:     "15",
		Secondary:      "14",
		Monitor:        "16",
		Outbound: acd.OutboundLeg{
			Campaign: "3", Contact: 7, Mode: acd.ModeDirectPreview, Reservation: true, Personal: true,
			Number: "5550100", TimeZone: "America/New_York", Classification: "ANS_MACHINE", Expires: at(31),
			CallbackTime: "2026-12-08T09:30", CallbackNumber: "5550101 " + awkward,
		},
		Media: "5001",
	}
}

func fullCampaign(id string) acd.Campaign {
	return acd.Campaign{
		ID: id, Name: "Renewals " + awkward, Mode: acd.ModePredictive, Queue: "100", Ratio: 1.75,
		Created: at(21), Stopped: at(time.Hour + 22).In(zone), PersonalCallbacks: true, MaxAttempts: 4,
		Contacts: 3, Next: 3, Retry: []acd.Callback{{Contact: 2, Due: at(29), Agent: "1002"}, {Contact: 1, Due: at(30).In(zone), Agent: awkward}},
		Callbacks: []acd.Callback{{Contact: 1, Due: at(time.Hour + 23), Agent: "1001"}},
		Lines:     []acd.Line{{Contact: 2, Number: "5550101", Agent: "1002", Due: at(24).In(zone), Answers: true}},
		Reserved:  []string{"1001", "1003"},
	}
}

func sparseCampaign(id string) acd.Campaign {
	return acd.Campaign{ID: id, Mode: acd.ModePreview, Queue: "200", Contacts: 1, Next: 1}
}

func fullReasonCode(id string) acd.ReasonCodeRecord {
	return acd.ReasonCodeRecord{
		Code:  model.ReasonCode{ID: id, Category: model.CategoryLogout, Code: 4242, Label: "Gone " + awkward, ForAll: true, SystemCode: true},
		Teams: []string{"10", "20"}, Deleted: true,
	}
}

func fullWrapUp(id string) acd.WrapUpRecord {
	return acd.WrapUpRecord{Reason: model.WrapUpReason{ID: id, Label: "Done " + awkward, ForAll: true}, Teams: []string{"20"}, Deleted: true}
}

func fullPhoneBook(id string) acd.PhoneBookRecord {
	return acd.PhoneBookRecord{
		Book: model.PhoneBook{ID: id, Name: "Suppliers " + awkward, Type: model.PhoneBookTeam, Contacts: []model.Contact{
			{ID: "1", PhoneBookID: id, FirstName: "Ada", LastName: "Byron", PhoneNumber: "5550100", Description: awkward},
		}},
		Teams: []string{"10"}, Deleted: true,
	}
}

func fullWorkflow(id string) acd.WorkflowRecord {
	return acd.WorkflowRecord{
		Workflow: model.Workflow{
			ID: id, Name: "Pop " + awkward, Description: "d", Media: "1", Trigger: "CALL_ARRIVES", ApplyMethod: "ANY",
			Conditions: []model.WorkflowCondition{{Field: "callVariable1", Comparator: "CONTAINS", Value: awkward}},
			Actions:    []model.WorkflowAction{fullAction("7").Action},
		},
		Teams: []string{"10"}, Deleted: true,
	}
}

func fullAction(id string) acd.ActionRecord {
	return acd.ActionRecord{
		Action: model.WorkflowAction{
			ID: id, Name: "Open " + awkward, Type: "HTTP_REQUEST", HandledBy: "OTHER",
			Params:    []model.CallVariable{{Name: "path", Value: "https://x/${ANI}"}},
			Variables: []model.ActionVariable{{Name: "ANI", Type: "SYSTEM", Node: "//Dialog/fromAddress", TestValue: "1"}},
		},
		Deleted: true,
	}
}

func fullLayout(id string) acd.LayoutRecord {
	entry := func(n string) model.LayoutEntry {
		return model.LayoutEntry{DisplayName: "Order " + awkward, MediaProperty: "callVariable" + n, ShowInPopOver: true, UIEditable: true}
	}
	return acd.LayoutRecord{
		Layout: model.MediaPropertiesLayout{
			ID: id, Name: "Orders " + awkward, Description: "d", Type: "CUSTOM",
			Header: []model.LayoutEntry{entry("1")}, Columns: [][]model.LayoutEntry{{entry("2")}, {entry("3")}},
		},
		Teams: []string{"20"}, Deleted: true,
	}
}

func fullMediaAgent(agent string) acd.MediaAgent {
	return acd.MediaAgent{
		Agent: agent, MRD: "5000", State: acd.MediaPaused, ReasonCodeID: "2", PendingState: acd.MediaNotReady,
		PendingReasonCodeID: "3", Routable: true, MaxDialogs: 4, InterruptAction: "IGNORE", DialogLogoutAction: "TRANSFER",
		Dialogs: []string{"7_5000_1", awkward}, StateChangeTime: at(27).In(zone), ReadySince: at(28),
	}
}

func fullContact(campaign string, n int) acd.Contact {
	return acd.Contact{
		Campaign: campaign, N: n, PhoneNumber: "+15550100", FirstName: "Ada " + awkward, LastName: "Byron",
		AccountNumber: "AC-42", TimeZone: "Europe/London", Status: acd.ContactCallback, Attempts: 2,
		Agent: "1001", Dialog: "17", Call: "c1", Classification: "VOICE",
		CallbackAt: at(2*time.Hour + 25), CallbackNumber: "5550102", Updated: at(26).In(zone),
	}
}

// fullDesktop is a session that went away; sparseDesktop one available.
func fullDesktop(jid string) acd.Desktop {
	return acd.Desktop{JID: jid, User: "1001", Session: "s-" + awkward, Cursor: 1 << 40, Until: at(90 * time.Second), Reaped: true}
}

func sparseDesktop(jid string) acd.Desktop {
	return acd.Desktop{JID: jid, User: "1002", Node: "node-" + awkward}
}

func sparseDialog(id string) acd.Dialog {
	return acd.Dialog{
		ID:       id,
		CallType: "OTHER_IN",
		State:    acd.DialogAlerting,
		Parties:  []acd.Party{{Address: "3002", AddressType: "AGENT_DEVICE", State: acd.PartyAlerting}},
	}
}

func fullHistory() acd.History {
	return acd.History{
		States: []acd.StateRecord{
			{State: model.StateNotReady, ReasonCodeID: "-1", Start: at(-2*time.Hour + 16).In(zone)},
			{State: model.StateReady, ReasonCodeID: "7", Start: at(-time.Hour + 17)},
		},
		Calls: []acd.CallRecord{
			{
				Dialog: "12", Type: "ACD_IN", Number: "+44 20 7946 0000", Disposition: "Handled",
				WrapUpReason: awkward, Queue: "Sales", Start: at(-50*time.Minute + 18), End: at(-40*time.Minute + 19).In(zone),
			},
			{
				Dialog: "13", Type: "OTHER_OUT", Number: "3005", Disposition: "Not answered",
				WrapUpReason: "none", Queue: "Support", Start: at(-30*time.Minute + 20), End: at(-29*time.Minute + 21),
			},
		},
	}
}

func sparseHistory() acd.History {
	return acd.History{States: []acd.StateRecord{{State: model.StateLogin}}}
}

func fullSubscriptions(user string) []acd.Subscription {
	return []acd.Subscription{
		{Node: "/finesse/api/User/" + user, JID: user + "@finesse.example/desktop-ß 1"},
		{Node: "/finesse/api/Team/5/Users", JID: user + "@finesse.example"},
		{Node: "/finesse/api/Queue/100", JID: user + "@finesse.example/gadget"},
	}
}

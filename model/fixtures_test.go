package model

import "time"

// Fixtures fill every field, so that a round trip that drops one fails.
// Times are UTC with millisecond precision because that is all TimeLayout
// keeps.

var (
	testTime1 = time.Date(2024, 5, 6, 7, 8, 9, 123_000_000, time.UTC)
	testTime2 = time.Date(2024, 5, 6, 7, 9, 10, 456_000_000, time.UTC)
)

func testReasonCode() ReasonCode {
	return ReasonCode{ID: "22", Category: CategoryNotReady, Code: 32, Label: "Lunch", ForAll: true, SystemCode: false}
}

func testUser() User {
	rc := testReasonCode()
	return User{
		ID:              "1001",
		LoginName:       "jdoe",
		FirstName:       "Jane",
		LastName:        "Doe",
		Roles:           []Role{RoleAgent, RoleSupervisor},
		State:           StateNotReady,
		StateChangeTime: testTime1,
		PendingState:    StateLogout,
		ReasonCodeID:    rc.ID,
		ReasonCode:      &rc,
		Extension:       "5001",
		MediaType:       "1",
		TeamID:          "5",
		TeamName:        "Sales",
		Teams:           []TeamRef{{ID: "5", Name: "Sales"}, {ID: "6", Name: "Support"}},
		Settings:        UserSettings{WrapUpOnIncoming: WrapUpRequired, WrapUpOnOutgoing: WrapUpOptional},
		WrapUpTimer:     60,
	}
}

func testTeam() Team {
	rc := ReasonCode{ID: "50", Category: CategoryNotReady, Code: 999, Label: "Supervisor", SystemCode: true}
	return Team{
		ID:   "5",
		Name: "Sales",
		Users: []TeamUser{
			{ID: "1001", FirstName: "Jane", LastName: "Doe", Extension: "5001", State: StateNotReady,
				PendingState: StateReady, StateChangeTime: testTime1, ReasonCode: &rc},
			{ID: "1002", FirstName: "John", LastName: "Roe", Extension: "5002", State: StateTalking,
				StateChangeTime: testTime2},
		},
	}
}

func testQueue() Queue {
	return Queue{
		ID:   "17",
		Name: "Billing",
		Statistics: QueueStatistics{
			CallsInQueue:                  3,
			StartTimeOfLongestCallInQueue: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC),
			AgentsReady:                   1,
			AgentsNotReady:                2,
			AgentsBusyOther:               4,
			AgentsLoggedOn:                12,
			AgentsTalkingInbound:          5,
			AgentsTalkingOutbound:         6,
			AgentsTalkingInternal:         7,
			AgentsWrapUpNotReady:          8,
			AgentsWrapUpReady:             -1,
		},
	}
}

func testWrapUpReason() WrapUpReason {
	return WrapUpReason{ID: "3", Label: "Sale closed", ForAll: true}
}

func testPhoneBook() PhoneBook {
	return PhoneBook{ID: "9", Name: "Partners", Type: PhoneBookTeam}
}

func testContact() Contact {
	return Contact{ID: "41", PhoneBookID: "9", FirstName: "Ann", LastName: "Lee", PhoneNumber: "+15551234", Description: "Supplier"}
}

func testSystemInfo() SystemInfo {
	return SystemInfo{
		CurrentTimestamp: testTime1,
		DeploymentType:   "UCCE",
		Status:           StatusInService,
		StatusReason:     "ok",
		SystemAuthMode:   "NON_SSO",
		TimezoneOffset:   -300,
		XMPPDomain:       "finesse.example.com",
		XMPPPubSubDomain: "pubsub.finesse.example.com",
		PrimaryNode:      NodeInfo{Host: "fin-a.example.com", HTTPSPort: "8445", XMPPPort: "5222", XMPPSecurePort: "5223"},
		SecondaryNode:    NodeInfo{Host: "fin-b.example.com", HTTPSPort: "8445", XMPPPort: "5222", XMPPSecurePort: "5223"},
	}
}

func testDialog() Dialog {
	return Dialog{
		ID:                  "16777217",
		AssociatedDialogURI: DialogURI("16777216"),
		SecondaryID:         "16777218",
		MediaType:           "Voice",
		FromAddress:         "5001",
		ToAddress:           "5002",
		State:               "ACTIVE",
		MediaProperties: MediaProperties{
			MediaID:            "1",
			DialedNumber:       "5002",
			CallType:           "AGENT_INSIDE",
			DNIS:               "5002",
			QueueNumber:        "17",
			QueueName:          "Billing",
			CallKeyCallID:      "42",
			CallKeySequenceNum: "1",
			CallKeyPrefix:      "151000",
			WrapUpReason:       "Sale closed",
			CallVariables: []CallVariable{
				{Name: "callVariable1", Value: "a"},
				{Name: "user.order", Value: "x-9"},
			},
		},
		Participants: []Participant{
			{Actions: []string{"HOLD", "DROP"}, MediaAddress: "5001", MediaAddressType: "AGENT_DEVICE",
				StartTime: testTime1, State: "ACTIVE", StateCause: "NORMAL", StateChangeTime: testTime2},
			{Actions: []string{"DROP"}, MediaAddress: "5002", MediaAddressType: "AGENT_DEVICE",
				StartTime: testTime1, State: "ACTIVE", StateCause: "BUSY", StateChangeTime: testTime2},
		},
	}
}

func testAPIErrors() []APIError {
	return []APIError{
		{Type: "Invalid State", Message: "CF_INVALID_STATE", Data: "1", Media: "1"},
		{Type: "Invalid Input", Message: "reasonCodeId", Data: "99"},
	}
}

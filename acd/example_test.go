package acd_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/model"
)

// An agent signs in. The request commits its new state and the User
// Update it causes in one step; the notification service would read the
// event from the Log and deliver it to the nodes it names.
func ExampleEngine_ChangeState() {
	dir, err := directory.NewDirectory(directory.Config{
		Teams:   []directory.TeamConfig{{ID: "10", Name: "Sales"}},
		Users:   []directory.UserConfig{{ID: "1001", Password: "pw", Roles: []model.Role{model.RoleAgent}, Team: "10"}},
		Devices: []string{"3001"},
	})
	if err != nil {
		log.Fatal(err)
	}
	clock := acd.NewFakeClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	mem := memstore.New(clock, memstore.DefaultRetain)
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Store: mem, Log: mem.Log(), Clock: clock})
	if err != nil {
		log.Fatal(err)
	}
	defer eng.Close()

	ctx := context.Background()
	agent, _ := dir.User("1001")
	err = eng.ChangeState(ctx, agent, acd.StateRequest{
		AgentID: "1001", State: model.StateLogin, Extension: "3001", RequestID: "sign-in",
	})
	if err != nil {
		log.Fatal(err)
	}

	events, err := eng.Log().Read(ctx, 0, 10)
	if err != nil {
		log.Fatal(err)
	}
	for _, ev := range events {
		root, err := model.ParseRoot(ev.Payload, "Update")
		if err != nil {
			log.Fatal(err)
		}
		update, err := model.ParseUpdate(root)
		if err != nil {
			log.Fatal(err)
		}
		user, err := model.ParseUser(update.Data)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(ev.ID, ev.Nodes, update.RequestID, user.State, user.ReasonCodeID)
	}
	// Output:
	// 1 [/finesse/api/User/1001 /finesse/api/Team/10/Users] sign-in NOT_READY -1
}

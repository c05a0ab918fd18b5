package main

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
)

// gen-config writes a config finessed accepts, with the numbers asked
// for: every agent on a team and in its team's queue, every team with a
// supervisor, one device an agent.
func TestGenConfig(t *testing.T) {
	for _, tc := range []struct{ agents, supervisors, teams int }{
		{2000, 200, 20}, {10, 3, 5}, {7, 0, 1}, {5, 5, 5},
	} {
		t.Run(fmt.Sprintf("%d-%d-%d", tc.agents, tc.supervisors, tc.teams), func(t *testing.T) {
			var out, errs bytes.Buffer
			args := []string{"-agents", fmt.Sprint(tc.agents), "-supervisors", fmt.Sprint(tc.supervisors), "-teams", fmt.Sprint(tc.teams)}
			if err := runGenConfig(args, &out, &errs); err != nil {
				t.Fatalf("gen-config: %v (%s)", err, errs.String())
			}
			f, err := config.Parse(out.Bytes())
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			dir, err := directory.NewDirectory(f.Config)
			if err != nil {
				t.Fatalf("directory: %v", err)
			}
			agents, supervisors := 0, 0
			supervised := map[string]bool{}
			for _, u := range f.Users {
				switch {
				case len(u.Supervises) > 0:
					supervisors++
					for _, team := range u.Supervises {
						supervised[team] = true
					}
				case u.Team != "":
					agents++
				}
			}
			if agents != tc.agents || supervisors != tc.supervisors || len(dir.Teams()) != tc.teams || len(dir.Queues()) != tc.teams {
				t.Fatalf("%d agents, %d supervisors, %d teams, %d queues", agents, supervisors, len(dir.Teams()), len(dir.Queues()))
			}
			if tc.supervisors > 0 && len(supervised) != tc.teams {
				t.Fatalf("%d of %d teams have a supervisor", len(supervised), tc.teams)
			}
			inQueues := 0
			for _, q := range dir.Queues() {
				inQueues += len(q.Agents)
				for _, u := range q.Agents {
					if u.Team == nil || q.ID != queueOfTeam(u.Team.ID) {
						t.Fatalf("agent %s of team %v is in queue %s", u.ID, u.Team, q.ID)
					}
				}
			}
			if inQueues != tc.agents {
				t.Fatalf("%d agents in queues, want %d", inQueues, tc.agents)
			}
			if !dir.IsDevice(fmt.Sprint(genDeviceBase+tc.agents)) || dir.IsDevice(fmt.Sprint(genDeviceBase+tc.agents+1)) {
				t.Fatal("devices are not one an agent")
			}
		})
	}
}

func TestGenConfigRefusesImpossibleShapes(t *testing.T) {
	var out, errs bytes.Buffer
	if err := runGenConfig([]string{"-agents", "3", "-teams", "5"}, &out, &errs); err == nil {
		t.Fatal("more teams than agents was accepted")
	}
}

func queueOfTeam(team string) string {
	var t int
	fmt.Sscan(team, &t)
	return fmt.Sprint(genQueueBase + t)
}

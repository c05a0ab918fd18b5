package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

// genShape is the directory gen-config writes.
type genShape struct {
	agents, supervisors, teams int
}

// The numbering gen-config uses, which finesse load -config reads back
// from the file rather than assuming: agent i (from 1) is 100000+i on
// extension 300000+i, supervisor j is 200000+j, team t is "t" with queue
// 1000+t.
const (
	genAgentBase      = 100000
	genSupervisorBase = 200000
	genDeviceBase     = 300000
	genQueueBase      = 1000
)

// runGenConfig writes a config file with as many agents, supervisors and
// teams as asked, for load runs from 2,000 to 20,000 agents.
func runGenConfig(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen-config", "[-agents N] [-supervisors M] [-teams T] [-o FILE]",
		`Writes a finessed config (finessed -config FILE); every password is "finesse".`, stderr)
	var shape genShape
	fs.IntVar(&shape.agents, "agents", 2000, "agents, spread evenly over the teams")
	fs.IntVar(&shape.supervisors, "supervisors", 200, "supervisors, each of one team in turn (at least one per team when there are enough)")
	fs.IntVar(&shape.teams, "teams", 20, "teams, each with one queue of its agents")
	out := fs.String("o", "", "write to this `file` (default: standard output)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if shape.agents < 1 || shape.teams < 1 || shape.supervisors < 0 || shape.teams > shape.agents {
		return errors.New("need -agents >= 1, -supervisors >= 0 and 1 <= -teams <= -agents")
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriter(w)
	writeGenConfig(bw, shape)
	return bw.Flush()
}

// teamOfAgent is the team of agent i (from 1).
func (g genShape) teamOfAgent(i int) int { return (i-1)%g.teams + 1 }

// writeGenConfig writes the config for g, one line a user, team or queue.
func writeGenConfig(w *bufio.Writer, g genShape) {
	fmt.Fprintf(w, "# finesse gen-config -agents %d -supervisors %d -teams %d\n", g.agents, g.supervisors, g.teams)
	w.WriteString(`xmppDomain: localhost

settings:
  deploymentType: UCCE
  wrapUpTimer: 60s
  ringNoAnswer: 15s
  lockoutAttempts: 5
  lockoutDuration: 5m
  desktopGrace: 60s
  queueStatsInterval: 10s

teams:
`)
	for t := 1; t <= g.teams; t++ {
		fmt.Fprintf(w, "  - {id: \"%d\", name: Team %d, wrapUpOnIncoming: OPTIONAL, wrapUpOnOutgoing: OPTIONAL}\n", t, t)
	}
	w.WriteString("\nusers:\n")
	for i := 1; i <= g.agents; i++ {
		fmt.Fprintf(w, "  - {id: \"%d\", loginName: agent%d, firstName: Agent, lastName: \"%d\", password: finesse, roles: [Agent], team: \"%d\"}\n",
			genAgentBase+i, i, i, g.teamOfAgent(i))
	}
	for j := 1; j <= g.supervisors; j++ {
		fmt.Fprintf(w, "  - {id: \"%d\", loginName: supervisor%d, firstName: Supervisor, lastName: \"%d\", password: finesse, roles: [Agent, Supervisor], supervises: [%s]}\n",
			genSupervisorBase+j, j, j, g.supervisedBy(j))
	}
	w.WriteString("  - {id: admin, loginName: administrator, firstName: Admin, lastName: User, password: finesse, roles: [Administrator]}\n")
	w.WriteString("\nqueues:\n")
	for t := 1; t <= g.teams; t++ {
		fmt.Fprintf(w, "  - {id: \"%d\", name: Queue %d, agents: [", genQueueBase+t, t)
		for i, sep := t, ""; i <= g.agents; i += g.teams {
			fmt.Fprintf(w, "%s\"%d\"", sep, genAgentBase+i)
			sep = ", "
		}
		w.WriteString("]}\n")
	}
	fmt.Fprintf(w, "\ndevices: [\"%d-%d\"]\n", genDeviceBase+1, genDeviceBase+g.agents)
	w.WriteString(`
reasonCodes:
  - {id: "1", category: NOT_READY, code: 1, label: Break}
  - {id: "2", category: NOT_READY, code: 2, label: Lunch}
  - {id: "4", category: LOGOUT, code: 4, label: End of shift}

wrapUpReasons:
  - {id: "1", label: Sale}
  - {id: "2", label: Resolved}
`)
}

// supervisedBy lists, as YAML, the teams supervisor j supervises: team j,
// and every team after it M apart, so that every team has a supervisor
// when there are fewer supervisors than teams.
func (g genShape) supervisedBy(j int) string {
	list, sep := "", ""
	start := (j-1)%g.teams + 1
	step := max(g.supervisors, 1)
	for t := start; t <= g.teams; t += step {
		list += sep + strconv.Quote(strconv.Itoa(t))
		sep = ", "
		if g.supervisors >= g.teams {
			break
		}
	}
	return list
}

package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/finessed/finessed/conformance"
	"github.com/finessed/finessed/model"
)

// runAgents lists every user the server knows, as an administrator sees
// them through GET /finesse/api/Users.
func runAgents(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("agents", "[flags]", "Lists every agent and supervisor: state, reason code, pending state,\nextension and when the state last changed.", stderr)
	var base string
	var insecure bool
	bindREST(fs, &base)
	bindInsecure(fs, &insecure)
	user := fs.String("user", "admin", "administrator username")
	password := fs.String("password", "finesse", "administrator password")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	users, err := fetchUsers(httpClient(insecure, 10*time.Second), strings.TrimSuffix(base, "/"), *user, *password)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tLOGIN NAME\tTEAM\tSTATE\tREASON\tPENDING\tEXTENSION\tSINCE")
	for _, u := range users {
		if !u.HasRole(model.RoleAgent) && !u.HasRole(model.RoleSupervisor) {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.ID, u.LoginName, u.TeamName,
			u.State, reason(u), u.PendingState, u.Extension, since(u.StateChangeTime))
	}
	return tw.Flush()
}

func fetchUsers(client *http.Client, base, user, password string) ([]model.User, error) {
	req, err := http.NewRequest(http.MethodGet, base+"/finesse/api/Users", nil)
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(user, password)
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &conformance.HTTPError{Method: req.Method, Path: req.URL.Path, StatusCode: resp.StatusCode, Body: body}
	}
	root, err := model.ParseRoot(body, "Users")
	if err != nil {
		return nil, err
	}
	var users []model.User
	for _, el := range root.SelectElements("User") {
		u, err := model.ParseUser(el)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, nil
}

func reason(u model.User) string {
	if u.ReasonCode != nil {
		return fmt.Sprintf("%s (%s)", u.ReasonCodeID, u.ReasonCode.Label)
	}
	return u.ReasonCodeID
}

func since(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("15:04:05")
}

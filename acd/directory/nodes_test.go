package directory_test

import (
	"errors"
	"testing"

	"github.com/finessed/finessed/acd/directory"
)

func TestAuthorizeNode(t *testing.T) {
	dir := demoDirectory(t)
	user := func(id string) *directory.User {
		u, ok := dir.User(id)
		if !ok {
			t.Fatalf("no user %s", id)
		}
		return u
	}
	const (
		allowed = iota
		forbidden
		unknown
	)
	tests := []struct {
		actor, node string
		want        int
	}{
		// An agent's own nodes, SystemInfo and the queues it serves.
		{"1001", "/finesse/api/User/1001", allowed},
		{"1001", "/finesse/api/User/1001/Dialogs", allowed},
		{"1001", "/finesse/api/User/1001/Queues", allowed},
		{"1001", "/finesse/api/SystemInfo", allowed},
		{"1001", "/finesse/api/Queue/100", allowed},
		{"1001", "/finesse/api/Queue/300", allowed},
		{"1001", "/finesse/api/Queue/200", forbidden},
		{"1001", "/finesse/api/User/1002", forbidden},
		{"1001", "/finesse/api/User/1002/Dialogs", forbidden},
		{"1001", "/finesse/api/Team/10/Users", forbidden},

		// A supervisor's teams, their agents and the queues they serve.
		{"2001", "/finesse/api/Team/10/Users", allowed},
		{"2001", "/finesse/api/Team/20/Users", allowed},
		{"2001", "/finesse/api/User/1006", allowed},
		{"2001", "/finesse/api/User/1006/Dialogs", allowed},
		{"2001", "/finesse/api/Queue/200", allowed},
		{"2001", "/finesse/api/User/2001", allowed},

		// An administrator may watch anything that exists.
		{"admin", "/finesse/api/User/1001", allowed},
		{"admin", "/finesse/api/User/2001/Queues", allowed},
		{"admin", "/finesse/api/Team/20/Users", allowed},
		{"admin", "/finesse/api/Queue/300", allowed},
		{"admin", "/finesse/api/SystemInfo", allowed},

		// Unknown nodes are not found even for those who could see them
		// if they existed, so that a typo is not reported as a permission
		// problem.
		{"1001", "/finesse/api/User/9999", unknown},
		{"1001", "/finesse/api/Team/99/Users", unknown},
		{"1001", "/finesse/api/Queue/999", unknown},
		{"1001", "/finesse/api/Nope", unknown},
		{"1001", "/finesse/api/User/1001/Bogus", unknown},
		{"admin", "/finesse/api/User/9999", unknown},
		{"admin", "/finesse/api/Team/99/Users", unknown},
		{"admin", "/finesse/api/Nope", unknown},
		{"2001", "/finesse/api/Team/10", unknown},
		// Events go to /finesse/api/User/1001, never to the same path with
		// a trailing slash; a subscription to it would never be delivered.
		{"1001", "/finesse/api/User/1001/", unknown},
	}
	for _, tt := range tests {
		err := dir.AuthorizeNode(user(tt.actor), tt.node)
		switch tt.want {
		case allowed:
			if err != nil {
				t.Errorf("%s on %s: %v, want allowed", tt.actor, tt.node, err)
			}
		case forbidden:
			if !errors.Is(err, directory.ErrNotAuthorized) {
				t.Errorf("%s on %s: %v, want %v", tt.actor, tt.node, err, directory.ErrNotAuthorized)
			}
		case unknown:
			if !errors.Is(err, directory.ErrNotFound) {
				t.Errorf("%s on %s: %v, want %v", tt.actor, tt.node, err, directory.ErrNotFound)
			}
		}
	}
}

package acd_test

import (
	"errors"
	"testing"

	"github.com/finessed/finessed/acd"
)

func TestEngineAuthenticate(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	if u, err := f.eng.Authenticate("supervisor1", "finesse"); err != nil || u.ID != "2001" {
		t.Errorf("Engine.Authenticate: %v, want user 2001", err)
	}
	if _, err := f.eng.Authenticate("supervisor1", "nope"); !errors.Is(err, acd.ErrBadCredentials) {
		t.Errorf("Engine.Authenticate with a wrong password: %v", err)
	}
}

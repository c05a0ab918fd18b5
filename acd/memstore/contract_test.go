package memstore_test

import (
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/acd/storetest"
)

// The in-memory Store, Log and lease meet the contract.
func TestMemory(t *testing.T) {
	const retain, ttl = 16, 15 * time.Second
	storetest.Run(t, retain, ttl, func(t *testing.T, clock *acd.FakeClock) storetest.Backend {
		s := memstore.New(clock, retain)
		return storetest.Backend{Store: s, Log: s.Log(), Lease: memstore.NewLeases(clock, ttl).For, Roster: &memstore.Roster{}}
	})
}

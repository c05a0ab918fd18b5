// Package memstore keeps a single node's state in memory: the Store and
// Tx the engine commits through (optimistic transactions over versioned
// keys), the Log its events go to, the Lease and the Roster. It is the
// embedded default of finessed and the reference the Redis adapter is
// measured against: both run the same contract suite, acd/storetest.
package memstore

import "github.com/finessed/finessed/acd"

// The interfaces of acd each type here implements.
var (
	_ acd.Store  = (*Store)(nil)
	_ acd.Log    = (*Log)(nil)
	_ acd.Roster = (*Roster)(nil)
	_ acd.Lease  = lease{}
)

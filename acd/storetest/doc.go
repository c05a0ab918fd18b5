// Package storetest is the contract every implementation of acd's Store,
// Log and Lease must meet, written once as a test suite. Run executes it
// against one implementation; this package's own tests run it against the
// in-memory one, and the Redis package's tests run it against Redis, so the
// two cannot drift apart.
//
// The suite drives every time-dependent behaviour (event times, lease
// expiry) with an acd.FakeClock it hands to the implementation, and waits
// on nothing but the implementation itself: real time bounds only how long
// a broken implementation may hang before its test fails.
package storetest

// Package conformance will record event sequences from a Finesse-compatible
// server and replay them against another. It is built by issue #6; until
// then it holds nothing.
package conformance

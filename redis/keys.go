package redis

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// keys names everything the store keeps under one prefix, so that several
// deployments (or test runs) can share one Redis.
type keys struct{ prefix string }

func (k keys) entity(key string) string { return k.prefix + "k:" + key }
func (k keys) index(kind string) string { return k.prefix + "idx:" + kind }
func (k keys) events() string           { return k.prefix + "events" }
func (k keys) eventSeq() string         { return k.prefix + "eventseq" }
func (k keys) epoch() string            { return k.prefix + "epoch" }
func (k keys) lease() string            { return k.prefix + "lease" }
func (k keys) roster() string           { return k.prefix + "nodes" }
func (k keys) readMark() string         { return k.prefix + "readmark" }

// ready is a queue's READY index (ready.go); commit.lua names it too.
func (k keys) ready(queue string) string { return k.prefix + "ready:" + queue }

// listed are the entity kinds the store can list (Agents, Calls,
// Dialogs, Desktops): their ids are kept in an index set as they are
// written.
var listed = map[string]bool{
	"agent": true, "call": true, "dialog": true, "desktop": true, "teammsg": true, "campaign": true, "contact": true, "reasoncode": true, "wrapup": true, "phonebook": true, "workflow": true, "wfaction": true, "layout": true,
}

// indexOf is the index kind and member of an entity key such as
// "agent:1001", or "" when the kind is not listed.
func indexOf(key string) (kind, id string) {
	kind, id, _ = strings.Cut(key, ":")
	if !listed[kind] {
		return "", ""
	}
	return kind, id
}

// encode renders a stored value: its version, a colon, its JSON.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// decodeVersioned splits a stored value into its version and JSON.
func decodeVersioned(raw string) (uint64, []byte, error) {
	ver, data, ok := strings.Cut(raw, ":")
	if !ok {
		return 0, nil, fmt.Errorf("stored value without a version")
	}
	n, err := strconv.ParseUint(ver, 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("stored version %q: %w", ver, err)
	}
	return n, []byte(data), nil
}

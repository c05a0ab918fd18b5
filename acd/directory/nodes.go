package directory

import (
	"slices"
	"strings"

	"github.com/finessed/finessed/model"
)

// The pubsub nodes are the REST URIs of the resources they carry.
const userNodePrefix = model.UserURIPrefix

// AutoNodes are the nodes every session of u receives without subscribing,
// as Finesse subscribes each user to them.
func AutoNodes(u *User) []string {
	if len(u.MediaDomains) > 0 {
		return []string{
			userNodePrefix + u.ID, userNodePrefix + u.ID + "/Dialogs", model.SystemInfoURI,
			model.MediaNode(u.ID), model.MediaDialogsNode(u.ID),
		}
	}
	return []string{userNodePrefix + u.ID, userNodePrefix + u.ID + "/Dialogs", model.SystemInfoURI}
}

// AuthorizeNode allows actor to subscribe to node: its own nodes; for a
// supervisor also its teams' nodes and their agents' nodes; a queue's node
// for whoever serves the queue or supervises someone who does; SystemInfo
// for everyone; any node for administrators. An unknown node is
// ErrNotFound.
func (d *Directory) AuthorizeNode(actor *User, node string) error {
	allowed, known := d.nodeAccess(actor, node)
	switch {
	case !known:
		return refuse(ErrNotFound, node, "no such node")
	case allowed || actor.IsAdmin():
		return nil
	}
	return refuse(ErrNotAuthorized, node, "you may not subscribe to this node")
}

func (d *Directory) nodeAccess(actor *User, node string) (allowed, known bool) {
	if node == model.SystemInfoURI {
		return true, true
	}
	if rest, ok := strings.CutPrefix(node, userNodePrefix); ok {
		id, sub, hasSub := strings.Cut(rest, "/")
		u, found := d.users[id]
		if !found || (hasSub && sub != "Dialogs" && sub != "Queues" && sub != "ClientLog" && sub != "Media" && sub != "Dialogs/Media") {
			return false, false
		}
		if sub == "ClientLog" { // the desktop waits there for its own log's receipt
			return u == actor, true
		}
		return u == actor || actor.SupervisesAgent(u), true
	}
	if rest, ok := strings.CutPrefix(node, "/finesse/api/Team/"); ok {
		if id, found := strings.CutSuffix(rest, "/TeamMessages"); found && d.teams[id] != nil {
			// A team's broadcasts are for its members and supervisors.
			return actor.SupervisesTeam(id) || (actor.Team != nil && actor.Team.ID == id), true
		}
		id, found := strings.CutSuffix(rest, "/Users")
		if !found || d.teams[id] == nil {
			return false, false
		}
		return actor.SupervisesTeam(id), true
	}
	if id, ok := strings.CutPrefix(node, "/finesse/api/Queue/"); ok {
		q := d.queues[id]
		if q == nil {
			return false, false
		}
		return slices.ContainsFunc(q.Agents, func(a *User) bool { return a == actor || actor.SupervisesAgent(a) }), true
	}
	return false, false
}

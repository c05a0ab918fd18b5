package model

import (
	"fmt"
	"time"

	"github.com/beevik/etree"
)

// ParseClientLog reads the logData of a <ClientLog> a desktop posts.
func ParseClientLog(body []byte) (string, error) {
	root, err := ParseRoot(body, "ClientLog")
	if err != nil {
		return "", fmt.Errorf("parse ClientLog: %w", err)
	}
	return childText(root, "logData"), nil
}

// ClientLogEntry is one log a desktop sent, as an administrator reads it.
type ClientLogEntry struct {
	Received time.Time
	Data     string
}

// ClientLogsElement renders a user's logs, oldest first: our own resource
// (Finesse keeps them in files on the node), GET /User/{id}/ClientLogs.
func ClientLogsElement(user string, logs []ClientLogEntry) *etree.Element {
	el := etree.NewElement("ClientLogs")
	for _, l := range logs {
		cl := el.CreateElement("ClientLog")
		addText(cl, "logData", l.Data)
		addText(cl, "receivedAt", FormatTime(l.Received))
		addText(cl, "uri", UserURIPrefix+user+"/ClientLog")
	}
	return el
}

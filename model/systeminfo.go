package model

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// SystemInfoURI is the resource address and pubsub node of SystemInfo.
const SystemInfoURI = "/finesse/api/SystemInfo"

// The SystemInfo statuses.
const (
	StatusInService    = "IN_SERVICE"
	StatusOutOfService = "OUT_OF_SERVICE"
)

// SystemInfo describes the deployment: its nodes, XMPP domain and status.
type SystemInfo struct {
	CurrentTimestamp time.Time
	DeploymentType   string // UCCE or UCCX
	Status           string
	StatusReason     string
	SystemAuthMode   string
	TimezoneOffset   int // minutes east of UTC
	XMPPDomain       string
	XMPPPubSubDomain string
	PrimaryNode      NodeInfo
	SecondaryNode    NodeInfo // empty Host: a single node
}

// NodeInfo is one Finesse node as SystemInfo lists it.
type NodeInfo struct {
	Host           string
	HTTPSPort      string
	XMPPPort       string
	XMPPSecurePort string
}

// Element renders s as <root>: SystemInfo in REST bodies, systemInfo in Updates.
func (s SystemInfo) Element(root string) *etree.Element {
	el := etree.NewElement(root)
	addText(el, "currentTimestamp", FormatTime(s.CurrentTimestamp))
	addText(el, "deploymentType", s.DeploymentType)
	el.AddChild(s.PrimaryNode.element("primaryNode"))
	el.AddChild(s.SecondaryNode.element("secondaryNode"))
	addText(el, "status", s.Status)
	addText(el, "statusReason", s.StatusReason)
	addText(el, "systemAuthMode", s.SystemAuthMode)
	addText(el, "timezoneOffset", strconv.Itoa(s.TimezoneOffset))
	addText(el, "uri", SystemInfoURI)
	addText(el, "xmppDomain", s.XMPPDomain)
	addText(el, "xmppPubSubDomain", s.XMPPPubSubDomain)
	return el
}

func (n NodeInfo) element(name string) *etree.Element {
	el := etree.NewElement(name)
	addText(el, "host", n.Host)
	if n.Host == "" {
		return el
	}
	addText(el, "httpsPort", n.HTTPSPort)
	addText(el, "xmppPort", n.XMPPPort)
	addText(el, "xmppSecurePort", n.XMPPSecurePort)
	return el
}

// ParseSystemInfo reads SystemInfo from its element (<SystemInfo> or
// <systemInfo>).
func ParseSystemInfo(el *etree.Element) (SystemInfo, error) {
	r := fieldReader{el: el}
	s := SystemInfo{
		CurrentTimestamp: r.timestamp("currentTimestamp", TimeLayout),
		DeploymentType:   r.text("deploymentType"),
		Status:           r.text("status"),
		StatusReason:     r.text("statusReason"),
		SystemAuthMode:   r.text("systemAuthMode"),
		TimezoneOffset:   r.integer("timezoneOffset"),
		XMPPDomain:       r.text("xmppDomain"),
		XMPPPubSubDomain: r.text("xmppPubSubDomain"),
		PrimaryNode:      parseNodeInfo(el.SelectElement("primaryNode")),
		SecondaryNode:    parseNodeInfo(el.SelectElement("secondaryNode")),
	}
	if r.err != nil {
		return SystemInfo{}, fmt.Errorf("parse SystemInfo: %w", r.err)
	}
	return s, nil
}

// parseNodeInfo reads a node element; el may be nil for a missing one.
func parseNodeInfo(el *etree.Element) NodeInfo {
	r := fieldReader{el: el}
	return NodeInfo{
		Host:           r.text("host"),
		HTTPSPort:      r.text("httpsPort"),
		XMPPPort:       r.text("xmppPort"),
		XMPPSecurePort: r.text("xmppSecurePort"),
	}
}

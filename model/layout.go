package model

import (
	"fmt"
	"strconv"

	"github.com/beevik/etree"
)

// MediaPropertiesLayout is how a desktop lays out a call's data: a header
// line and up to two columns of call variables, ECC and BA variables.
type MediaPropertiesLayout struct {
	ID, Name, Description string
	Type                  string // DEFAULT or CUSTOM
	Header                []LayoutEntry
	Columns               [][]LayoutEntry
}

// LayoutEntry is one labelled media property of a layout.
type LayoutEntry struct {
	DisplayName   string
	MediaProperty string // callVariable1-10, user.* (ECC), BA*
	ShowInPopOver bool
	UIEditable    bool
}

// LayoutURI is where layout id is read.
func LayoutURI(id string) string { return "/finesse/api/MediaPropertiesLayout/" + id }

// Element renders l as Finesse's MediaPropertiesLayout resource.
func (l MediaPropertiesLayout) Element() *etree.Element {
	el := etree.NewElement("MediaPropertiesLayout")
	addText(el, "uri", LayoutURI(l.ID))
	addText(el, "id", l.ID)
	addText(el, "name", l.Name)
	addText(el, "description", l.Description)
	addText(el, "type", l.Type)
	header := el.CreateElement("header")
	for _, e := range l.Header {
		header.AddChild(e.element())
	}
	for _, col := range l.Columns {
		c := el.CreateElement("column")
		for _, e := range col {
			c.AddChild(e.element())
		}
	}
	return el
}

func (e LayoutEntry) element() *etree.Element {
	el := etree.NewElement("entry")
	addText(el, "displayName", e.DisplayName)
	addText(el, "mediaProperty", e.MediaProperty)
	addText(el, "showInPopOver", strconv.FormatBool(e.ShowInPopOver))
	addText(el, "uiEditable", strconv.FormatBool(e.UIEditable))
	return el
}

// MediaPropertiesLayoutsElement lists layouts.
func MediaPropertiesLayoutsElement(ls []MediaPropertiesLayout) *etree.Element {
	el := etree.NewElement("MediaPropertiesLayouts")
	for _, l := range ls {
		el.AddChild(l.Element())
	}
	return el
}

// ParseMediaPropertiesLayout reads a <MediaPropertiesLayout> request
// body's element. Its id and type are the server's to give, so they are
// not read.
func ParseMediaPropertiesLayout(el *etree.Element) (MediaPropertiesLayout, error) {
	l := MediaPropertiesLayout{Name: childText(el, "name"), Description: childText(el, "description")}
	var err error
	if h := el.SelectElement("header"); h != nil {
		if l.Header, err = parseLayoutEntries(h); err != nil {
			return l, fmt.Errorf("parse MediaPropertiesLayout header: %w", err)
		}
	}
	for i, c := range el.SelectElements("column") {
		entries, err := parseLayoutEntries(c)
		if err != nil {
			return l, fmt.Errorf("parse MediaPropertiesLayout column %d: %w", i+1, err)
		}
		l.Columns = append(l.Columns, entries)
	}
	return l, nil
}

func parseLayoutEntries(el *etree.Element) ([]LayoutEntry, error) {
	var out []LayoutEntry
	for _, e := range el.SelectElements("entry") {
		r := fieldReader{el: e}
		out = append(out, LayoutEntry{
			DisplayName: r.text("displayName"), MediaProperty: r.text("mediaProperty"),
			ShowInPopOver: r.boolean("showInPopOver"), UIEditable: r.boolean("uiEditable"),
		})
		if r.err != nil {
			return nil, r.err
		}
	}
	return out, nil
}

package negotiate

import (
	"encoding/xml"
	"fmt"

	"github.com/beevik/etree"
)

const nsXML = "http://www.w3.org/XML/1998/namespace"

// buildElement reads the rest of the element that start opened from r and
// returns it as an etree element. A namespace that differs from the
// parent's becomes an xmlns attribute, so NamespaceURI answers as it would
// for the text the client sent.
func buildElement(start xml.StartElement, r xml.TokenReader, parentNS string) (*etree.Element, error) {
	el := etree.NewElement(start.Name.Local)
	if start.Name.Space != parentNS {
		el.CreateAttr("xmlns", start.Name.Space)
	}
	for _, a := range start.Attr {
		switch {
		case a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns"):
			// Declarations were resolved into names; the ones we need are
			// re-created from the element's namespace.
		case a.Name.Space == nsXML:
			el.CreateAttr("xml:"+a.Name.Local, a.Value)
		default:
			el.CreateAttr(a.Name.Local, a.Value)
		}
	}
	for {
		tok, err := r.Token()
		if err != nil {
			return nil, fmt.Errorf("read <%s>: %w", start.Name.Local, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			child, err := buildElement(t, r, start.Name.Space)
			if err != nil {
				return nil, err
			}
			el.AddChild(child)
		case xml.EndElement:
			return el, nil
		case xml.CharData:
			el.CreateText(string(t))
		}
	}
}

package rest

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

// maxBodyBytes bounds a request body; Finesse bodies are a few hundred
// bytes. A desktop's ClientLog carries up to 1,048,576 characters, of up
// to four bytes each in UTF-8, and escaped: maxClientLogBytes. A
// simulator campaign lists up to 10,000 contacts, a phone book import
// 6,000: maxListBytes.
const (
	maxBodyBytes      = 64 << 10
	maxClientLogBytes = 8 << 20
	maxListBytes      = 4 << 20
)

// limitBody bounds every request body at maxBodyBytes, or a ClientLog's,
// a campaign's or a contact list's at their own bound; readBody answers a
// body over it with 413.
func limitBody(next http.Handler) http.Handler {
	small := http.MaxBytesHandler(next, maxBodyBytes)
	log := http.MaxBytesHandler(next, maxClientLogBytes)
	list := http.MaxBytesHandler(next, maxListBytes)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/ClientLog"):
			log.ServeHTTP(w, r)
		case r.Method == http.MethodPost && r.URL.Path == "/acd/Campaigns",
			r.Method != http.MethodGet && (strings.HasSuffix(r.URL.Path, "/Contacts") || strings.HasSuffix(r.URL.Path, "/csvFileContent")):
			list.ServeHTTP(w, r)
		default:
			small.ServeHTTP(w, r)
		}
	})
}

// readBody returns r's body after checking its content type, or a 413
// error for a body over the bound limitBody set. A missing Content-Type is
// accepted, since many scripts leave it out.
func readBody(r *http.Request) ([]byte, error) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/xml" && mt != "text/xml") {
			return nil, fail(errMediaType, "Content-Type", "send the body as application/xml, not "+ct)
		}
	}
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		limit := strconv.FormatInt(tooLarge.Limit, 10)
		return nil, fail(errBodyTooLarge, limit, "the body is larger than "+limit+" bytes")
	}
	if err != nil {
		return nil, fail(errMalformed, "", "reading the body: "+err.Error())
	}
	return body, nil
}

// writeXML answers with status and the document el.
func writeXML(w http.ResponseWriter, status int, el *etree.Element) {
	body := model.MarshalDocument(el)
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/finessed/finessed/internal/livetest"
)

// TestPagesLoadFromTheServer fetches /desktop/ and /tunnel/ where
// cmd/finessed mounts them and every script, style sheet, image and frame
// each references: all answer 200 from the server itself, with the right
// type, and none names another origin.
func TestPagesLoadFromTheServer(t *testing.T) {
	srv := livetest.Start(t)
	for _, page := range []string{srv.REST + "/desktop/", srv.Notify + "/tunnel/"} {
		t.Run(page, func(t *testing.T) {
			body, ctype := get(t, page)
			if !strings.HasPrefix(ctype, "text/html") {
				t.Fatalf("Content-Type %q", ctype)
			}
			refs := references(t, body)
			if len(refs) < 2 {
				t.Fatalf("only %d references in the page: %q", len(refs), refs)
			}
			base, _ := url.Parse(page)
			for _, ref := range refs {
				u, err := base.Parse(ref)
				if err != nil {
					t.Fatalf("%q: %v", ref, err)
				}
				if u.Host != base.Host {
					t.Errorf("%q loads from %s, not from the server", ref, u.Host)
					continue
				}
				asset, ctype := get(t, u.String())
				if len(asset) == 0 {
					t.Errorf("%s is empty", u)
				}
				want := map[string]string{".js": "text/javascript", ".css": "text/css"}[ref[strings.LastIndex(ref, "."):]]
				if want != "" && !strings.HasPrefix(ctype, want) {
					t.Errorf("%s: Content-Type %q, want %s", u, ctype, want)
				}
			}
		})
	}
}

func get(t *testing.T, u string) (string, string) {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	return string(body), res.Header.Get("Content-Type")
}

// references lists the src and href of the page's scripts, links, images
// and frames (not its in-page anchors, nor data: URLs, which load nothing).
func references(t *testing.T, page string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var refs []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if (a.Key == "src" || a.Key == "href") && !strings.HasPrefix(a.Val, "#") && !strings.HasPrefix(a.Val, "data:") {
				refs = append(refs, a.Val)
			}
		}
	}
	return refs
}

func TestPagesRefuse(t *testing.T) {
	srv := livetest.Start(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", srv.REST + "/desktop/nothing.js", http.StatusNotFound},
		{"POST", srv.REST + "/desktop/", http.StatusMethodNotAllowed},
		{"GET", srv.Notify + "/tunnel/vendor/nothing.js", http.StatusNotFound},
		{"HEAD", srv.Notify + "/tunnel/tunnel.js", http.StatusOK},
	} {
		req, _ := http.NewRequest(tc.method, tc.path, nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, res.StatusCode, tc.status)
		}
	}
}

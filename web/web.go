package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed assets
var assets embed.FS

// Desktop serves the desktop's pages at /desktop/.
func Desktop() http.Handler { return pages("/desktop/", "assets/desktop") }

// Tunnel serves the event tunnel's page at /tunnel/.
func Tunnel() http.Handler { return pages("/tunnel/", "assets/tunnel") }

// pages serves dir under prefix, and the vendored scripts under
// prefix+"vendor/", so that each page reaches them on its own origin.
// Only GET and HEAD are served; a directory answers its index.html.
func pages(prefix, dir string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rel, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok {
			if r.URL.Path+"/" == prefix {
				http.Redirect(w, r, prefix, http.StatusMovedPermanently)
				return
			}
			http.NotFound(w, r)
			return
		}
		name := path.Join(dir, rel)
		if v, ok := strings.CutPrefix(rel, "vendor/"); ok {
			name = path.Join("assets/vendor", v)
		}
		if rel == "" || strings.HasSuffix(rel, "/") {
			name = path.Join(name, "index.html")
		}
		body, err := fs.ReadFile(assets, name)
		if err != nil || !strings.HasPrefix(name, "assets/") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentType(name))
		h.Set("X-Content-Type-Options", "nosniff")
		// The assets change only with the binary: let a browser keep them
		// but ask each time, so an upgraded server is seen at once.
		h.Set("Cache-Control", "no-cache")
		h.Set("Referrer-Policy", "no-referrer")
		if strings.HasSuffix(name, ".html") {
			// Scripts and styles only from this origin. The desktop's
			// tunnel iframe and its WebSocket are on the notification
			// service's port, another origin, so frames and connections
			// are not narrowed.
			h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src *; frame-src *; frame-ancestors *")
		}
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body)
	})
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	}
	return "application/octet-stream"
}

// Command gadget serves the sample gadget page and passes /finesse/ to a
// finessed REST API, so that the page and the API share one origin, as a
// gadget container provides:
//
//	go run ./examples/gadget -rest http://localhost:8082 -addr localhost:8090
//
// then open http://localhost:8090/ (with finessed's notification service
// on 7071 of the same host, or add ?notify=http://host:port).
package main

import (
	"embed"
	"flag"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
)

//go:embed index.html gadget.js
var page embed.FS

func main() {
	addr := flag.String("addr", "localhost:8090", "where to serve the gadget")
	restURL := flag.String("rest", "http://localhost:8082", "finessed's REST API")
	flag.Parse()
	h, err := Handler(*restURL)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("sample gadget on http://%s/ (REST %s)", *addr, *restURL)
	log.Fatal(http.ListenAndServe(*addr, h))
}

// Handler serves the page, and /finesse/ from restURL.
func Handler(restURL string) (http.Handler, error) {
	target, err := url.Parse(restURL)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/finesse/", httputil.NewSingleHostReverseProxy(target))
	mux.Handle("/", http.FileServerFS(page))
	return mux, nil
}

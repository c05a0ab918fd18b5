// Command healthcheck asks one URL and exits 0 when it answers 2xx, 1
// otherwise. The container image is FROM scratch, with no shell, curl or
// wget, so this is what its healthcheck runs (see deploy/compose.yaml):
//
//	healthcheck [-timeout 3s] [URL]
//
// URL defaults to http://127.0.0.1:8082/healthz, finessed's liveness
// check on its default REST port.
package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

const defaultURL = "http://127.0.0.1:8082/healthz"

func main() {
	timeout := flag.Duration("timeout", 3*time.Second, "give up after this long")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: healthcheck [-timeout 3s] [URL]\n\nURL defaults to %s; exit 0 on a 2xx answer, else 1.\n\n", defaultURL)
		flag.PrintDefaults()
	}
	flag.Parse()
	url := defaultURL
	switch flag.NArg() {
	case 0:
	case 1:
		url = flag.Arg(0)
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err := probe(url, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "healthcheck:", err)
		os.Exit(1)
	}
}

// probe GETs url and says why it is not healthy, or nil for a 2xx answer.
func probe(url string, timeout time.Duration) error {
	client := &http.Client{Timeout: timeout}
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %s", url, resp.Status)
	}
	return nil
}

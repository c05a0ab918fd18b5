package main

import (
	"crypto/tls"
	"fmt"
	"io"
	"strings"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
)

// checkConfig reads the config file at path and builds its directory as
// the server would, loading its TLS certificate if it names one, and
// writes a one-line summary of it to w; or returns what is wrong.
func checkConfig(path string, w io.Writer) error {
	file, err := config.Load(path)
	if err != nil {
		return err
	}
	dir, err := directory.NewDirectory(file.Config)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	cert := "a self-signed certificate generated at start"
	if file.TLS.CertFile != "" {
		if _, err := tls.LoadX509KeyPair(file.TLS.CertFile, file.TLS.KeyFile); err != nil {
			return fmt.Errorf("config %s: tls: %w", path, err)
		}
		cert = file.TLS.CertFile
	}
	devices, _ := directory.ExpandDevices(file.Devices) // NewDirectory checked them
	agents := 0
	for _, u := range dir.Users() {
		if u.IsAgent() {
			agents++
		}
	}
	_, err = fmt.Fprintf(w, "%s: ok: domain %s, %s deployment, %s (%s), %s, %s, %s, %s, %s, %s, %s; TLS: %s\n",
		path, dir.Domain, dir.Settings.DeploymentType, count(len(dir.Users()), "user"), count(agents, "agent"),
		count(len(dir.Teams()), "team"), count(len(dir.Queues()), "queue"), count(len(devices), "device"),
		count(len(file.Reasons), "reason code"), count(len(file.WrapUps), "wrap-up reason"),
		count(len(file.PhoneBooks), "phone book"), count(len(file.DialPlan), "dial-plan rule"), cert)
	return err
}

// count is "1 noun" or "n nouns".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// oneLine is err's message on one line: YAML errors list their lines.
func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

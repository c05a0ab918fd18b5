package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/finessed/finessed/acd/directory"
)

// File is a whole config file.
type File struct {
	directory.Config `yaml:",inline"`
	TLS              TLS `yaml:"tls"`
}

// TLS names the certificate and key for the TLS listeners. When both are
// empty finessed generates a self-signed certificate at start.
type TLS struct {
	CertFile string `yaml:"certFile"`
	KeyFile  string `yaml:"keyFile"`
}

//go:embed demo.yaml
var demoYAML []byte

// Demo returns the embedded demo directory.
func Demo() (File, error) {
	f, err := Parse(demoYAML)
	if err != nil {
		return File{}, fmt.Errorf("demo config: %w", err)
	}
	return f, nil
}

// DemoYAML returns the demo directory's YAML text.
func DemoYAML() []byte { return bytes.Clone(demoYAML) }

// Load reads and parses the config file at path.
func Load(path string) (File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return File{}, fmt.Errorf("read config: %w", err)
	}
	f, err := Parse(data)
	if err != nil {
		return File{}, fmt.Errorf("config %s: %w", path, err)
	}
	return f, nil
}

// Parse reads a config file's text. Unknown keys are errors, so that a
// misspelt setting is not silently ignored.
func Parse(data []byte) (File, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var f File
	if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
		return File{}, err
	}
	if (f.TLS.CertFile == "") != (f.TLS.KeyFile == "") {
		return File{}, errors.New("tls: certFile and keyFile go together")
	}
	return f, nil
}

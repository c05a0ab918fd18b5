package conformance

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Scenario is one recorded or written sequence: the desktops that listen,
// then steps that act and steps that expect.
type Scenario struct {
	Name     string              `yaml:"name"`
	About    string              `yaml:"about,omitempty"`
	Desktops map[string]*Desktop `yaml:"desktops,omitempty"`
	Steps    []Step              `yaml:"steps"`

	file string // where it was read from, for reports
}

// Desktop is an XMPP session a scenario opens before its first step: it
// becomes available, subscribes to Subscribe, and must be expected to
// receive every notification it gets, except on the Ignore nodes.
type Desktop struct {
	User      string   `yaml:"user"`
	Subscribe []string `yaml:"subscribe,omitempty"`
	Ignore    []string `yaml:"ignore,omitempty"`
}

// Step is one action or expectation; exactly one of REST, ACD, Expect,
// Advance and Wait is set.
type Step struct {
	// REST is "METHOD /path" of a request to the Finesse API, made as user
	// As; ACD one to the simulator (/acd/...), made as the administrator.
	REST    string            `yaml:"rest,omitempty"`
	ACD     string            `yaml:"acd,omitempty"`
	As      string            `yaml:"as,omitempty"`
	Headers map[string]string `yaml:"headers,omitempty"`
	Body    string            `yaml:"body,omitempty"`
	// Status is the HTTP status a request must get (0: any 2xx), and
	// Response a pattern its body must match ("" : not checked).
	Status   int    `yaml:"status,omitempty"`
	Response string `yaml:"response,omitempty"`

	// Expect names the desktop that must receive Update, next on Node,
	// within Within (default 3 s).
	Expect string   `yaml:"expect,omitempty"`
	Node   string   `yaml:"node,omitempty"`
	Update string   `yaml:"update,omitempty"`
	Within Duration `yaml:"within,omitempty"`

	// Partial lets the received document have elements the pattern does
	// not mention (a response's or an update's).
	Partial bool `yaml:"partial,omitempty"`

	// Advance moves the server's test clock on; Wait waits in real time.
	Advance Duration `yaml:"advance,omitempty"`
	Wait    Duration `yaml:"wait,omitempty"`
}

// Duration is a time.Duration written as Go writes one ("15s", "200ms").
type Duration time.Duration

// UnmarshalYAML reads a duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes a duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// kind names what a step does, or "" when it does not say.
func (s Step) kind() string {
	var kinds []string
	for k, set := range map[string]bool{
		"rest": s.REST != "", "acd": s.ACD != "", "expect": s.Expect != "",
		"advance": s.Advance != 0, "wait": s.Wait != 0,
	} {
		if set {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) != 1 {
		return ""
	}
	return kinds[0]
}

// Parse reads a scenario and checks that every step says one thing and
// names a desktop the scenario has.
func Parse(data []byte) (*Scenario, error) {
	var sc Scenario
	if err := yaml.Unmarshal(data, &sc); err != nil {
		return nil, err
	}
	if sc.Name == "" {
		return nil, fmt.Errorf("scenario without a name")
	}
	for i, st := range sc.Steps {
		switch st.kind() {
		case "":
			return nil, fmt.Errorf("%s: step %d: exactly one of rest, acd, expect, advance and wait", sc.Name, i+1)
		case "rest", "acd":
			if _, _, ok := strings.Cut(st.REST+st.ACD, " "); !ok {
				return nil, fmt.Errorf("%s: step %d: want \"METHOD /path\", got %q", sc.Name, i+1, st.REST+st.ACD)
			}
			if st.REST != "" && st.As == "" {
				return nil, fmt.Errorf("%s: step %d: a rest step needs as", sc.Name, i+1)
			}
		case "expect":
			if sc.Desktops[st.Expect] == nil || st.Node == "" || st.Update == "" {
				return nil, fmt.Errorf("%s: step %d: expect needs a desktop of the scenario, a node and an update", sc.Name, i+1)
			}
		}
	}
	return &sc, nil
}

// Load reads a scenario file.
func Load(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sc, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sc.file = path
	return sc, nil
}

// LoadDir reads every .yaml file of dir, in name order.
func LoadDir(dir string) ([]*Scenario, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := make([]*Scenario, 0, len(paths))
	for _, p := range paths {
		sc, err := Load(p)
		if err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, nil
}

// movesClock reports whether any step advances the server's test clock.
func (sc *Scenario) movesClock() bool {
	for _, st := range sc.Steps {
		if st.Advance != 0 {
			return true
		}
	}
	return false
}

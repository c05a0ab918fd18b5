package conformance

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Record performs script's actions (its rest, acd, advance and wait steps;
// expect steps are dropped) against t with script's desktops listening,
// and returns a scenario that expects what the server did: each request's
// status and response, and every notification each desktop received,
// after the action that caused it. settle is how long it waits after each
// action for notifications. Volatile values become placeholders (see
// volatile).
func (t Target) Record(ctx context.Context, script *Scenario, settle time.Duration) (*Scenario, error) {
	t = t.withDefaults()
	r := &run{t: t, sc: script, vars: Vars{}, listeners: map[string]*listener{}}
	defer r.close()
	if err := r.openDesktops(ctx); err != nil {
		return nil, err
	}
	out := &Scenario{Name: script.Name, About: script.About, Desktops: script.Desktops}
	ids := newVolatile()
	for i, st := range script.Steps {
		if st.Expect != "" {
			continue
		}
		got, err := r.perform(ctx, st, ids)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", i+1, err)
		}
		out.Steps = append(out.Steps, got)
		time.Sleep(settle)
		out.Steps = append(out.Steps, r.drain(ids)...)
	}
	return out, nil
}

// perform runs one action and returns it as a recorded step.
func (r *run) perform(ctx context.Context, st Step, ids *volatile) (Step, error) {
	switch {
	case st.Advance != 0:
		if res := r.advance(ctx, time.Duration(st.Advance)); res.Err != nil {
			return st, res.Err
		}
		return Step{Advance: st.Advance}, nil
	case st.Wait != 0:
		time.Sleep(time.Duration(st.Wait))
		return Step{Wait: st.Wait}, nil
	}
	line, user := st.REST, st.As
	if st.ACD != "" {
		line, user = st.ACD, r.t.Admin
	}
	method, path, _ := strings.Cut(line, " ")
	path, err := r.vars.expand(path)
	if err != nil {
		return st, err
	}
	sent, err := r.vars.expand(st.Body)
	if err != nil {
		return st, err
	}
	status, body, err := r.do(ctx, method, path, user, sent, st.Headers)
	if err != nil {
		return st, err
	}
	rec := Step{As: st.As, Headers: st.Headers, Body: st.Body, Status: status}
	if strings.TrimSpace(body) != "" {
		rec.Response = ids.pattern(body)
	}
	recorded := method + " " + ids.path(path)
	if st.ACD != "" {
		rec.ACD = recorded
	} else {
		rec.REST = recorded
	}
	if st.Response != "" {
		// The script's own captures ({{call}} from a response) stay
		// usable in its later paths.
		matchXML(st.Response, body, true, r.vars)
	}
	return rec, nil
}

// drain takes every notification the desktops hold, in desktop name order
// and, per desktop, by node in arrival order, as expect steps.
func (r *run) drain(ids *volatile) []Step {
	names := make([]string, 0, len(r.listeners))
	for name := range r.listeners {
		names = append(names, name)
	}
	sort.Strings(names)
	var steps []Step
	for _, name := range names {
		l := r.listeners[name]
		l.mu.Lock()
		nodes := make([]string, 0, len(l.queues))
		for node := range l.queues {
			nodes = append(nodes, node)
		}
		sort.Strings(nodes)
		for _, node := range nodes {
			for _, n := range l.queues[node] {
				steps = append(steps, Step{Expect: name, Node: ids.path(node), Update: ids.pattern(n.Text)})
			}
			delete(l.queues, node)
		}
		l.mu.Unlock()
	}
	return steps
}

// Marshal renders sc as a scenario file.
func (sc *Scenario) Marshal() ([]byte, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(sc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

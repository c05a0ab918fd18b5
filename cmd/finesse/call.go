package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/conformance"
	"github.com/finessed/finessed/model"
)

// variableFlags collects -var name=value flags.
type variableFlags []model.CallVariable

func (v *variableFlags) String() string { return "" }

func (v *variableFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want name=value, got %q", s)
	}
	*v = append(*v, model.CallVariable{Name: name, Value: value})
	return nil
}

// runCall brings a customer call into a queue through the simulator and
// says where it went.
func runCall(args []string, stdout, stderr io.Writer) error {
	var vars variableFlags
	fs := newFlagSet("call", "-queue QUEUE [flags]", "Brings a customer call into a queue through the simulator (POST /acd/Calls)\nand says where it went: queued, or ringing at an agent.", stderr)
	var base string
	var insecure bool
	bindREST(fs, &base)
	bindInsecure(fs, &insecure)
	user := fs.String("user", "admin", "administrator username")
	password := fs.String("password", "finesse", "administrator password")
	queue := fs.String("queue", "", "the queue the call waits in (required)")
	ani := fs.String("ani", "5550100", "the caller's number")
	dnis := fs.String("dnis", "", "the number dialled")
	fs.Var(&vars, "var", "a call variable `name=value` (callVariable1-10 or user.*; repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if *queue == "" {
		return errors.New("-queue is required")
	}
	body := callRequest(*queue, *ani, *dnis, vars)
	req, err := http.NewRequest(http.MethodPost, strings.TrimSuffix(base, "/")+"/acd/Calls", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.SetBasicAuth(*user, *password)
	req.Header.Set("Content-Type", "application/xml")
	resp, err := httpClient(insecure, 10*time.Second).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusCreated {
		return &conformance.HTTPError{Method: req.Method, Path: req.URL.Path, StatusCode: resp.StatusCode, Body: data}
	}
	root, err := model.ParseRoot(data, "Call")
	if err != nil {
		return err
	}
	field := func(name string) string { return root.SelectElement(name).Text() }
	fmt.Fprintf(stdout, "call %s in queue %s: %s", field("id"), field("queue"), field("state"))
	if agent := field("agent"); agent != "" {
		fmt.Fprintf(stdout, " at agent %s (dialog %s)", agent, field("dialogId"))
	}
	fmt.Fprintln(stdout)
	return nil
}

func callRequest(queue, ani, dnis string, vars []model.CallVariable) string {
	el := etree.NewElement("Call")
	el.CreateElement("queue").SetText(queue)
	el.CreateElement("ani").SetText(ani)
	if dnis != "" {
		el.CreateElement("dnis").SetText(dnis)
	}
	if len(vars) > 0 {
		list := el.CreateElement("callvariables")
		for _, v := range vars {
			cv := list.CreateElement("CallVariable")
			cv.CreateElement("name").SetText(v.Name)
			cv.CreateElement("value").SetText(v.Value)
		}
	}
	doc := etree.NewDocument()
	doc.SetRoot(el)
	s, _ := doc.WriteToString()
	return s
}

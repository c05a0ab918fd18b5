package directory

import (
	"fmt"
	"strings"
	"time"
)

// The ways an outside number can behave.
const (
	DialAnswer  = "answer"
	DialRing    = "ring"
	DialBusy    = "busy"
	DialInvalid = "invalid"
)

// defaultAnswerAfter is how long an outside number no rule names takes to
// answer.
const defaultAnswerAfter = 2 * time.Second

func (d *Directory) addDialPlan(cfg Config) error {
	for i, r := range cfg.DialPlan {
		switch r.Behaviour {
		case DialAnswer, DialRing, DialBusy, DialInvalid:
		default:
			return fmt.Errorf("dial plan rule %d (%s): behaviour %q is not answer, ring, busy or invalid", i+1, r.Pattern, r.Behaviour)
		}
		if r.Pattern == "" || strings.Contains(strings.TrimSuffix(r.Pattern, "*"), "*") {
			return fmt.Errorf("dial plan rule %d: pattern %q must be a number or a prefix ending in *", i+1, r.Pattern)
		}
		if r.AnswerAfter < 0 {
			return fmt.Errorf("dial plan rule %d (%s): answerAfter must not be negative", i+1, r.Pattern)
		}
	}
	d.dialPlan = cfg.DialPlan
	return nil
}

// Dial says how outside number behaves when called: the first rule that
// matches, else answer after two seconds; a number that is not a dial
// string is invalid.
func (d *Directory) Dial(number string) DialRule {
	if !IsDialString(number) {
		return DialRule{Pattern: number, Behaviour: DialInvalid}
	}
	for _, r := range d.dialPlan {
		prefix, isPrefix := strings.CutSuffix(r.Pattern, "*")
		if number == r.Pattern || (isPrefix && strings.HasPrefix(number, prefix)) {
			if r.Behaviour == DialAnswer && r.AnswerAfter == 0 {
				r.AnswerAfter = defaultAnswerAfter
			}
			return r
		}
	}
	return DialRule{Pattern: number, Behaviour: DialAnswer, AnswerAfter: defaultAnswerAfter}
}

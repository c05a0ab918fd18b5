package conformance

import (
	"fmt"
	"regexp"
	"strings"
)

// Vars are the placeholder values a scenario captured so far. A
// placeholder {{name}} in a pattern captures what stands there the first
// time and must match the same text wherever it appears later; {{*}}
// matches anything and captures nothing.
type Vars map[string]string

var placeholder = regexp.MustCompile(`\{\{([A-Za-z0-9_.*-]+)\}\}`)

// matchText matches got against pattern, capturing new placeholders into
// v only when the whole text matches.
func (v Vars) matchText(pattern, got string) bool {
	pattern, got = strings.TrimSpace(pattern), strings.TrimSpace(got)
	locs := placeholder.FindAllStringSubmatchIndex(pattern, -1)
	if len(locs) == 0 {
		return pattern == got
	}
	var re strings.Builder
	re.WriteString(`(?s)^`)
	var captures []string
	last := 0
	for _, l := range locs {
		re.WriteString(regexp.QuoteMeta(pattern[last:l[0]]))
		name := pattern[l[2]:l[3]]
		switch val, known := v[name]; {
		case name == "*":
			re.WriteString(`.*?`)
		case known:
			re.WriteString(regexp.QuoteMeta(val))
		default:
			re.WriteString(`(.*?)`)
			captures = append(captures, name)
		}
		last = l[1]
	}
	re.WriteString(regexp.QuoteMeta(pattern[last:]) + `$`)
	m := regexp.MustCompile(re.String()).FindStringSubmatch(got)
	if m == nil {
		return false
	}
	found := map[string]string{}
	for i, name := range captures {
		if prev, seen := found[name]; seen && prev != m[i+1] {
			return false // one placeholder, two values in one text
		}
		found[name] = m[i+1]
	}
	for name, val := range found {
		v[name] = val
	}
	return true
}

// expand replaces every placeholder in s by its captured value; one that
// was never captured is an error, since a request cannot guess it.
func (v Vars) expand(s string) (string, error) {
	var missing []string
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-2]
		val, ok := v[name]
		if !ok {
			missing = append(missing, name)
		}
		return val
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("placeholders not captured yet: %s", strings.Join(missing, ", "))
	}
	return out, nil
}

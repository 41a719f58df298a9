package convergence

import (
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Render is what one render of a composition gave.
type Render struct {
	Failed  bool
	Stream  string // the items, as a YAML stream
	Results *yaml.RNode
}

// Tally counts the compositions by outcome.
type Tally struct{ Converged, Refused, Settled int }

func (t Tally) String() string {
	return fmt.Sprintf("%d converged, %d refused as misordered, %d misordered that changed once more, then settled",
		t.Converged, t.Refused, t.Settled)
}

// Check renders input with the composition, then renders the output again, and checks
// that the second render changed nothing. A misordered composition (see Misordered) may
// instead be refused by the first render, with ordering errors only, or change once more
// on the second and settle on the third.
func Check(t *testing.T, c Composition, input string, render func(string) Render, tally *Tally) bool {
	t.Helper()
	misordered, err := c.Misordered()
	if err != nil {
		t.Errorf("composition %s: %v", c, err)
		return false
	}
	first := render(input)
	if first.Failed {
		if bad := unexpectedErrors(first.Results); !misordered || bad != "" {
			t.Errorf("composition %s: the first render failed\n%s", c, bad)
			return false
		}
		tally.Refused++
		return true
	}
	second := render(first.Stream)
	switch {
	case second.Failed:
		t.Errorf("composition %s: the first render passed, rendering its output failed\n%s", c, unexpectedErrors(second.Results))
		return false
	case second.Stream == first.Stream:
		tally.Converged++
		return true
	case misordered:
		if third := render(second.Stream); !third.Failed && third.Stream == second.Stream {
			tally.Settled++
			return true
		}
	}
	t.Errorf("composition %s: rendering the output again changed it\n%s", c, diff(first.Stream, second.Stream))
	return false
}

// unexpectedErrors are the error results that do not name a misordered step.
func unexpectedErrors(results *yaml.RNode) string {
	if results == nil {
		return "(no results)"
	}
	var bad []string
	for _, r := range results.Content() {
		result := yaml.NewRNode(r)
		if yaml.GetValue(result.Field("severity").Value) != "error" {
			continue
		}
		if message := yaml.GetValue(result.Field("message").Value); !strings.Contains(message, orderFix) {
			bad = append(bad, result.MustString())
		}
	}
	return strings.Join(bad, "")
}

// diff shows the first differing line of two texts, with three lines before it.
func diff(want, got string) string {
	a, b := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(a), len(b)); i++ {
		if i < len(a) && i < len(b) && a[i] == b[i] {
			continue
		}
		var out strings.Builder
		for j := max(0, i-3); j < i; j++ {
			fmt.Fprintf(&out, "  %s\n", a[j])
		}
		if i < len(a) {
			fmt.Fprintf(&out, "- %s\n", a[i])
		}
		if i < len(b) {
			fmt.Fprintf(&out, "+ %s\n", b[i])
		}
		return out.String()
	}
	return ""
}

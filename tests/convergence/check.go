package convergence

import (
	"fmt"
	"regexp"
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
type Tally struct{ Converged, Refused, Settling int }

func (t Tally) String() string {
	return fmt.Sprintf("%d converged, %d refused as misordered, %d known to settle on the second render", t.Converged, t.Refused, t.Settling)
}

// misordered is the fix every ordering error proposes.
var misordered = regexp.MustCompile(`: run .+ (before|after) .+ in the pipeline$`)

// Check renders input with the composition, then renders the output again, and checks
// that the second render changed nothing. A first render may fail only with errors that
// name a misordered step and say how to order it, and must fail the same way again.
func Check(t *testing.T, c Composition, input string, render func(string) Render, tally *Tally) bool {
	t.Helper()
	first := render(input)
	if first.Failed {
		if bad := unexpectedErrors(first.Results); bad != "" {
			t.Errorf("composition %s: the first render failed\n%s", c, bad)
			return false
		}
		if again := render(input); !again.Failed || again.Stream != first.Stream {
			t.Errorf("composition %s: refused once, rendered again it did not fail the same way", c)
			return false
		}
		tally.Refused++
		return true
	}
	second := render(first.Stream)
	if second.Failed {
		t.Errorf("composition %s: the first render passed, rendering its output failed\n%s", c, unexpectedErrors(second.Results))
		return false
	}
	if second.Stream == first.Stream {
		tally.Converged++
		return true
	}
	if Settling(c) {
		if third := render(second.Stream); !third.Failed && third.Stream == second.Stream {
			tally.Settling++
			return true
		}
	}
	t.Errorf("composition %s: rendering the output again changed it\n%s", c, diff(first.Stream, second.Stream))
	return false
}

// Settling tells the compositions that are known to change once more on the second
// render: set-runas before a step that adds containers hardens them only on the next
// render, as it finds them then. Each of these must still settle on the second.
func Settling(c Composition) bool {
	setRunAs := -1
	for i, s := range c {
		switch s.Function {
		case "set-runas":
			setRunAs = i
		case "inject-sidecar", "add-init-chain":
			if setRunAs >= 0 {
				return true
			}
		}
	}
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
		if message := yaml.GetValue(result.Field("message").Value); !misordered.MatchString(message) {
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

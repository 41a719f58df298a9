package initchain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// insertionIndex is where the steps go among the init containers of the copy, which
// holds none of the config's earlier steps.
func (a *application) insertionIndex() (int, bool) {
	spec := krm.Get(a.work.Template, "spec")
	inits := workload.Entries(spec, workload.InitContainers)
	p := a.c.placement
	switch p.Edge {
	case fnconfigs.PositionPrepend:
		return 0, true
	case fnconfigs.PositionAppend:
		return len(inits), true
	}
	if i := slices.IndexFunc(inits, func(n *yaml.RNode) bool { return krm.ScalarAt(n.YNode(), "name") == p.Name }); i >= 0 {
		if p.Edge == fnconfigs.PositionAfter {
			i++
		}
		return i, true
	}
	names := make([]string, len(inits))
	for i, n := range inits {
		names[i] = strconv.Quote(krm.ScalarAt(n.YNode(), "name"))
	}
	have := "the pod has no init containers"
	if len(names) > 0 {
		have = "it has init containers " + strings.Join(names, ", ")
	}
	if workload.IndexNamed(spec, p.Name, workload.AppContainers) >= 0 {
		have = fmt.Sprintf("%q is an app container, and steps go among the init containers; %s", p.Name, have)
	}
	a.ConfigErrorf("spec.position."+p.Edge, "no init container named %q (%s): correct the name, or use append or prepend",
		p.Name, have)
	return 0, false
}

// describePlacement says where the steps, inserted at index at, landed among the other
// init containers. Native sidecars (restartPolicy: Always) matter here: one before the
// steps is started first and runs alongside them; one after them starts only once they
// finished, so the steps cannot use it.
func (a *application) describePlacement(at int) string {
	inits := workload.Entries(krm.Get(a.work.Template, "spec"), workload.InitContainers)
	describe := func(n *yaml.RNode, before bool) string {
		name := strconv.Quote(krm.ScalarAt(n.YNode(), "name"))
		switch {
		case krm.ScalarAt(n.YNode(), "restartPolicy") != "Always":
			return "init container " + name
		case before:
			return "native sidecar " + name + " (started before the steps, running alongside them)"
		default:
			return "native sidecar " + name + " (started only after the steps finished: they cannot use it)"
		}
	}
	var parts []string
	if at > 0 {
		var names []string
		for _, n := range inits[:at] {
			names = append(names, describe(n, true))
		}
		parts = append(parts, "the chain runs after "+strings.Join(names, " and "))
	} else {
		parts = append(parts, "the chain runs first")
	}
	if rest := inits[at+len(a.c.steps):]; len(rest) > 0 {
		var names []string
		for _, n := range rest {
			names = append(names, describe(n, false))
		}
		parts = append(parts, "before "+strings.Join(names, " and "))
	}
	return strings.Join(append(parts, "then the app containers start"), ", ")
}

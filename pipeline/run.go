package pipeline

import (
	_ "embed"
	"fmt"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:embed run.txt
var runHelp string

// Run is `unbake run`: the steps of a Pipeline config, in order, on one ResourceList.
var Run = krm.New("run", fnconfigs.PipelineKind,
	"run function configs of any unbake kind in order, in one process",
	runHelp, func() *fnconfigs.Pipeline { return &fnconfigs.Pipeline{} }, runSteps)

// runSteps hands the list to each step's function in turn, with the step as the
// functionConfig, as kpt and kustomize do between processes. Decoding the Pipeline
// already checked every step's config, so a step fails only on the items.
func runSteps(_ *fnconfigs.Pipeline, rl *krm.ResourceList) error {
	pipeline := rl.FunctionConfig
	defer func() { rl.FunctionConfig = pipeline }()
	steps, err := pipeline.Pipe(yaml.Lookup("spec", "steps"))
	if err != nil {
		return err
	}
	// Every step visits every item: keeping the trees from the first parse doubles the
	// memory of the run (on 10,000 items) but spares each step parsing and writing every
	// item again, up to a third of the run's time.
	if _, err := rl.Items(); err != nil {
		return err
	}
	for i, step := range steps.Content() {
		rl.FunctionConfig = yaml.NewRNode(step)
		kind := rl.FunctionConfig.GetKind()
		fn, ok := Lookup(kind)
		if !ok {
			return fmt.Errorf("spec.steps[%d].kind: no function takes %q", i, kind)
		}
		earlier := len(rl.Results)
		if err := fn.Process(rl); err != nil {
			return fmt.Errorf("spec.steps[%d] (%s): %w", i, fn.Name, err)
		}
		// kpt and kustomize stop at a failing step too: later steps never see its output.
		if krm.HasErrors(rl.Results[earlier:]) {
			return nil
		}
	}
	return nil
}

// ByKind runs the function that takes the functionConfig's kind, a Pipeline included:
// the multi-call binary and image run it when given no function name.
func ByKind(rl *krm.ResourceList) error {
	var kind string
	if rl.FunctionConfig != nil {
		kind = rl.FunctionConfig.GetKind()
	}
	if fn, ok := ForKind(kind); ok {
		return fn.Process(rl)
	}
	rl.Results = append(rl.Results, krm.Error(rl.FunctionConfig, "kind",
		"the functionConfig's kind %q is not an unbake config kind: use one of %v", kind, Kinds()))
	return nil
}

// ForKind returns the function that takes config kind, Run for a Pipeline.
func ForKind(kind string) (krm.Function, bool) {
	if kind == Run.Kind {
		return Run, true
	}
	for _, fn := range Functions {
		if fn.Kind == kind {
			return fn, true
		}
	}
	return krm.Function{}, false
}

// Kinds are the config kinds of every function, and Pipeline.
func Kinds() []string {
	kinds := make([]string, 0, len(Functions)+1)
	for _, fn := range Functions {
		kinds = append(kinds, fn.Kind)
	}
	return append(kinds, Run.Kind)
}

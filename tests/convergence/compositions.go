// Package convergence checks that rendering a package again changes nothing, whatever
// unbake functions it runs and in whatever order: kpt writes a render's output back into
// the package, so every render after the first takes the previous output as its input.
//
// The compositions are each function alone, every ordered pair of two functions, and
// seeded random orders of all six, each config picking every workload. They run on every
// example (as written, and as rendered by its own pipeline) and on generated lists of
// every workload kind.
package convergence

import (
	"embed"
	"fmt"
	"math/rand/v2"
	"path"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:embed configs/*.yaml
var configFiles embed.FS

// Step is one function's config in a composition.
type Step struct {
	// Function is the function's binary name, and File its config's file name.
	Function, File string
	Config         []byte
}

// Steps are the configs, one per function, in the order of their binary names.
func Steps() ([]Step, error) {
	entries, err := configFiles.ReadDir("configs")
	if err != nil {
		return nil, err
	}
	steps := make([]Step, 0, len(entries))
	for _, e := range entries {
		config, err := configFiles.ReadFile(path.Join("configs", e.Name()))
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{Function: strings.TrimSuffix(e.Name(), ".yaml"), File: e.Name(), Config: config})
	}
	return steps, nil
}

// Composition is an order of steps.
type Composition []Step

func (c Composition) String() string {
	names := make([]string, len(c))
	for i, s := range c {
		names[i] = s.Function
	}
	return strings.Join(names, ",")
}

// Compositions are each step alone, every ordered pair of two different steps, then
// orders random orders of all of them drawn with seed.
func Compositions(steps []Step, orders int, seed uint64) []Composition {
	var all []Composition
	for _, s := range steps {
		all = append(all, Composition{s})
	}
	for _, a := range steps {
		for _, b := range steps {
			if a.Function != b.Function {
				all = append(all, Composition{a, b})
			}
		}
	}
	r := rand.New(rand.NewPCG(seed, seed))
	for range orders {
		order := make(Composition, len(steps))
		for i, j := range r.Perm(len(steps)) {
			order[i] = steps[j]
		}
		all = append(all, order)
	}
	return all
}

// Pipeline is the composition as one Pipeline config, for `unbake run`.
func (c Composition) Pipeline() ([]byte, error) {
	steps := yaml.NewListRNode()
	for _, s := range c {
		node, err := yaml.Parse(string(s.Config))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.File, err)
		}
		steps.YNode().Content = append(steps.YNode().Content, node.YNode())
	}
	pipeline, err := yaml.Parse("apiVersion: fn.unbake.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: composition\nspec: {}\n")
	if err != nil {
		return nil, err
	}
	if err := pipeline.PipeE(yaml.Lookup("spec"), yaml.SetField("steps", steps)); err != nil {
		return nil, err
	}
	return []byte(pipeline.MustString()), nil
}

// Kptfile is a Kptfile whose mutators are the composition's steps, each reading its
// config from the file of the same name in the package.
func (c Composition) Kptfile(name string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: %s\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\npipeline:\n  mutators:\n", name)
	for _, s := range c {
		fmt.Fprintf(&b, "    - exec: %s\n      configPath: %s\n", s.Function, s.File)
	}
	return []byte(b.String())
}

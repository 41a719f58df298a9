package fnconfigs

import (
	"encoding/json"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PipelineKind is the kind of a Pipeline config.
const PipelineKind = "Pipeline"

// Pipeline runs unbake functions one after another in one process (`unbake run`): the
// ResourceList is read once and written once however many steps there are, and the
// output equals running the same steps one by one through kpt or kustomize.
type Pipeline struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        Metadata     `json:"metadata"`
	Spec            PipelineSpec `json:"spec"`
}

// PipelineSpec lists the steps to run.
type PipelineSpec struct {
	// Steps are function configs of the other unbake kinds, written inline as in files of
	// their own, run in this order: each step sees what the steps before it wrote. A step
	// with errors stops the pipeline; strict in a step applies to that step.
	Steps []PipelineStep `json:"steps"`
}

// PipelineStep is a whole function config of another unbake kind; its kind names the
// function that runs it.
type PipelineStep struct {
	// APIVersion is fn.unbake.dev/v1alpha1.
	APIVersion string `json:"apiVersion"`
	// Kind is the config's kind, which names the function, e.g. InjectSidecar.
	Kind string `json:"kind"`

	// config is the whole step, checked by the rules of its own kind.
	config []byte
}

// UnmarshalJSON keeps the whole step: its own kind decodes it.
func (s *PipelineStep) UnmarshalJSON(data []byte) error {
	var object map[string]any
	if err := json.Unmarshal(data, &object); err != nil {
		return err
	}
	// A kind or apiVersion that is not a string stays empty and fails validation.
	s.APIVersion, _ = object["apiVersion"].(string)
	s.Kind, _ = object["kind"].(string)
	s.config = slices.Clone(data)
	return nil
}

// Default does nothing: each step's kind defaults its config.
func (c *Pipeline) Default() {}

// IsStrict is false: strict is a setting of each step.
func (c *Pipeline) IsStrict() bool { return false }

// Validate checks every step by its own kind's rules, so that all problems of all steps
// are reported before any step runs.
func (c *Pipeline) Validate() field.ErrorList {
	steps := field.NewPath("spec", "steps")
	errs := c.Metadata.Validate(field.NewPath("metadata"))
	if len(c.Spec.Steps) == 0 {
		errs = append(errs, field.Required(steps, "list the function configs to run, in order"))
	}
	configs, kinds := make([]Config, len(c.Spec.Steps)), make([]string, len(c.Spec.Steps))
	for i := range c.Spec.Steps {
		kinds[i] = c.Spec.Steps[i].Kind
		var stepErrs field.ErrorList
		configs[i], stepErrs = c.Spec.Steps[i].validate(steps.Index(i))
		errs = append(errs, stepErrs...)
	}
	return append(errs, orderErrors(steps, kinds, configs)...)
}

// validate decodes the step by its kind's rules; the config is nil when it has errors.
func (s *PipelineStep) validate(p *field.Path) (Config, field.ErrorList) {
	i := slices.IndexFunc(Kinds, func(k Kind) bool { return k.Name == s.Kind && k.Name != PipelineKind })
	if i < 0 {
		return nil, field.ErrorList{field.NotSupported(p.Child("kind"), s.Kind, PipelineStepKinds())}
	}
	node, err := yaml.Parse(string(s.config))
	if err != nil {
		return nil, field.ErrorList{field.Invalid(p, nil, err.Error())}
	}
	cfg := Kinds[i].New()
	errs := Decode(node, s.Kind, cfg)
	for _, e := range errs {
		if e.Field == "" {
			e.Field = p.String()
		} else {
			e.Field = p.String() + "." + e.Field
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// PipelineStepKinds are the kinds a step may have: every kind but Pipeline.
func PipelineStepKinds() []string {
	kinds := make([]string, 0, len(Kinds))
	for _, k := range Kinds {
		if k.Name != PipelineKind {
			kinds = append(kinds, k.Name)
		}
	}
	return kinds
}

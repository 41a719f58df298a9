package fnconfigs

import (
	"path"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// WorkloadKinds are the kinds that carry a pod template, in the order API.md lists them.
var WorkloadKinds = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
	"ReplicationController", "Job", "CronJob"}

// Selector picks the workloads a function changes. Every set criterion must match; an
// omitted selector picks every pod-bearing workload.
type Selector struct {
	// Kinds of workload, of the core, apps and batch API groups: a kind of the same name in
	// another group is never picked.
	Kinds []string `json:"kinds,omitempty"`
	// Names of workloads; `*` and `?` globs are allowed. An item another config generated
	// (annotated fn.unbake.dev/generated-by) is picked only where its exact name is here.
	Names []string `json:"names,omitempty"`
	// Namespaces of workloads ("" matches resources without a namespace).
	Namespaces []string `json:"namespaces,omitempty"`
	// Labels that must all be on the workload's metadata.labels.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations that must all be on the workload's metadata.annotations.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Targets are the shared fields that choose which workloads a function changes. A
// workload annotated fn.unbake.dev/inject: "false" (on its metadata or its pod template's)
// is never changed, whatever the selector says, as Istio's sidecar.istio.io/inject.
type Targets struct {
	// Selector picks the workloads; omitted, every pod-bearing workload.
	Selector *Selector `json:"selector,omitempty"`
	// Exclude drops the workloads it matches from those the selector picks; it has the
	// selector's fields, and every set criterion must match.
	Exclude *Selector `json:"exclude,omitempty"`
	// AllowNoMatch makes a selector that matches nothing a no-op instead of an error.
	AllowNoMatch bool `json:"allowNoMatch,omitempty"`
}

// Validate checks the selector and exclude below p.
func (t Targets) Validate(p *field.Path) field.ErrorList {
	return append(t.Selector.Validate(p.Child("selector")), t.Exclude.Validate(p.Child("exclude"))...)
}

// Validate checks the selector's kinds and name globs.
func (s *Selector) Validate(p *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	var errs field.ErrorList
	for i, k := range s.Kinds {
		if !slices.Contains(WorkloadKinds, k) {
			errs = append(errs, field.NotSupported(p.Child("kinds").Index(i), k, WorkloadKinds))
		}
	}
	for i, n := range s.Names {
		if _, err := path.Match(n, ""); err != nil {
			errs = append(errs, field.Invalid(p.Child("names").Index(i), n, "not a valid glob: "+err.Error()))
		}
	}
	return errs
}

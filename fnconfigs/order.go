package fnconfigs

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// A step that reads what the workloads look like must come after the steps that change
// it: kpt writes each render back into the package, so a step placed before them finds
// their changes only on the next render, and the output changes once more every time the
// package is rendered after a config change. A step's config tells whether it reads
// (reader) and what later steps must not change (changes).
type orderRule struct {
	// reader tells whether the config reads the workloads, and what it reads.
	reader func(cfg Config) (what string, reads bool)
	// changes tells whether a later config changes what reader reads.
	changes func(cfg Config) bool
	// change says what such a later config does.
	change string
}

var orderRules = []orderRule{
	{ // gen-prepull-daemonset copies the images it discovers into its DaemonSet.
		reader: func(cfg Config) (string, bool) {
			p, ok := cfg.(*PrepullDaemonSet)
			return "discovers the workloads' images", ok && p.Spec.Discover
		},
		change: "adds or changes images",
		changes: func(cfg Config) bool {
			switch c := cfg.(type) {
			case *InjectSidecar, *InitChain:
				return true
			case *KanikoJob:
				return c.Spec.WireImages == nil || *c.Spec.WireImages
			}
			return false
		},
	},
	{ // set-runas hardens the containers it finds under profile restricted.
		reader: func(cfg Config) (string, bool) {
			s, ok := cfg.(*SetRunAs)
			return "hardens the pod's containers to Pod Security restricted", ok && s.Spec.Profile == ProfileRestricted
		},
		change: "adds containers",
		changes: func(cfg Config) bool {
			switch cfg.(type) {
			case *InjectSidecar, *InitChain:
				return true
			}
			return false
		},
	},
}

// orderErrors reports each step that reads the workloads before a later step changes
// what it reads. configs holds each step's decoded config, nil where it did not decode.
func orderErrors(steps *field.Path, kinds []string, configs []Config) field.ErrorList {
	var errs field.ErrorList
	for i, reader := range configs {
		for _, rule := range orderRules {
			what, reads := "", false
			if reader != nil {
				what, reads = rule.reader(reader)
			}
			if !reads {
				continue
			}
			for j := i + 1; j < len(configs); j++ {
				if configs[j] != nil && rule.changes(configs[j]) {
					errs = append(errs, field.Invalid(steps.Index(i).Child("kind"), kinds[i],
						fmt.Sprintf("this step %s, and spec.steps[%d] (%s) %s after it, so the output of a render would change again on the next: move this step after spec.steps[%d]",
							what, j, kinds[j], rule.change, j)))
					break
				}
			}
		}
	}
	return errs
}

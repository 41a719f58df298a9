// Package injectsidecar adds sidecar containers to pod templates: the Kubernetes way to
// combine ready-made images instead of installing a helper into a derived image.
package injectsidecar

import (
	"embed"
	"strconv"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
)

// The README is the help (--help prints it); the kpt catalog entry gives the summary.
//
//go:embed README.md metadata.yaml
var docs embed.FS

// Function is inject-sidecar.
var Function = krm.New("inject-sidecar", "InjectSidecar", docs,
	func() *fnconfigs.InjectSidecar { return &fnconfigs.InjectSidecar{} }, transform)

func transform(cfg *fnconfigs.InjectSidecar, rl *krm.ResourceList) error {
	var services serviceIndex
	if cfg.Spec.ExposePort != "" {
		// Services are edited after the workloads they select, so they stay trees.
		items, err := rl.ItemsWith("Service", isService)
		if err != nil {
			return err
		}
		services = indexServices(items)
	}
	// The parts are made for the first target: for none, hashing the sidecars would be
	// most of the run's work.
	var containers, volumes []part
	made := false
	return workload.Each(rl, cfg.Spec.Targets, "spec.selector", func(w workload.Workload, picked bool) error {
		if !picked {
			rl.Results = append(rl.Results, workload.LeftInPlace(w, injectedAnnotation, "InjectSidecar", cfg.Metadata.Name,
				"as Services may be retargeted to them")...)
			return nil
		}
		if !made {
			var err error
			if containers, volumes, err = parts(cfg, rl.FunctionConfig); err != nil {
				return err
			}
			made = true
			rl.Results = append(rl.Results, unrequested(containers, rl.FunctionConfig)...)
		}
		in := &injection{Report: krm.Report{Item: w.Item, Config: rl.FunctionConfig}, cfg: cfg, w: w, containers: containers, volumes: volumes}
		changed, err := in.inject()
		if err != nil {
			return err
		}
		if changed && !in.Failed() {
			in.Infof("", "injected %s into the pod template", names(containers))
		}
		if w.IsJob() && !cfg.Spec.Native {
			krm.Propose(in.Warnf("spec.native",
				"a plain sidecar keeps running after the %s's main container exits, so the Job never completes: set spec.native: true in the config (Kubernetes 1.29 and later)",
				w.Item.GetKind()), true)
		}
		if cfg.Spec.ExposePort != "" && !in.Failed() {
			if err := in.retargetServices(services); err != nil {
				return err
			}
		}
		rl.Results = append(rl.Results, in.Results...)
		return nil
	})
}

func names(parts []part) string {
	quoted := make([]string, len(parts))
	for i, p := range parts {
		quoted[i] = strconv.Quote(p.name)
	}
	return "sidecar " + strings.Join(quoted, ", ")
}

// Package setrunas sets the user and groups a pod's processes run as, in place of a
// Dockerfile USER, and hardens pods up to the Pod Security Standards "restricted" profile.
package setrunas

import (
	"embed"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
)

// The README is the help (--help prints it); the kpt catalog entry gives the summary.
//
//go:embed README.md metadata.yaml
var docs embed.FS

// Function is set-runas.
var Function = krm.New("set-runas", "SetRunAs", docs,
	func() *fnconfigs.SetRunAs { return &fnconfigs.SetRunAs{} }, transform)

func transform(cfg *fnconfigs.SetRunAs, rl *krm.ResourceList) error {
	if s := cfg.Spec; s.GroupSetup != nil && (s.FSGroup != nil || len(s.SupplementalGroups) > 0) {
		// runuser gives the process the groups /etc/group lists for the user, instead of
		// the ones the container runtime set from the pod's securityContext.
		rl.Results = append(rl.Results, krm.WarningResult(rl.FunctionConfig, "spec.groupSetup",
			"runuser replaces the process's supplementary groups with the ones the image's /etc/group gives user %q, so fsGroup and supplementalGroups do not reach the wrapped command: add the user to those groups in the image, or rely on runAsGroup",
			s.GroupSetup.User))
	}
	return workload.Each(rl, cfg.Spec.Targets, "spec.selector", func(w workload.Workload, picked bool) error {
		if !picked {
			rl.Results = append(rl.Results, workload.LeftInPlace(w, recordAnnotation, "SetRunAs", cfg.Metadata.Name,
				"as set-runas never weakens a securityContext on its own")...)
			return nil
		}
		p := newPass(cfg, w)
		if err := p.run(); err != nil {
			return err
		}
		rl.Results = append(rl.Results, p.Results...)
		return nil
	})
}

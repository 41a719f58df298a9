// Package initchain adds ordered init containers on a shared volume to pod templates:
// the Kubernetes way to do a derived image's RUN git clone and RUN pip install at pod
// start, with a bounded postStart hook for configuration the app takes once it runs.
package initchain

import (
	"embed"
	"fmt"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// The README is the help (--help prints it); the kpt catalog entry gives the summary.
//
//go:embed README.md metadata.yaml
var docs embed.FS

// Function is add-init-chain.
var Function = krm.New("add-init-chain", "InitChain", docs,
	func() *fnconfigs.InitChain { return &fnconfigs.InitChain{} }, transform)

func transform(cfg *fnconfigs.InitChain, rl *krm.ResourceList) error {
	warnMovingRevisions(cfg, rl)
	var c *chain // built for the first workload: for none, it would be most of the run's work
	// The targets' results come first, then those of the workloads the chain leaves.
	var applied, released framework.Results
	err := workload.Each(rl, cfg.Spec.Targets, "spec.selector", func(w workload.Workload, picked bool) error {
		if c == nil {
			var err error
			if c, err = newChain(cfg); err != nil {
				return err
			}
		}
		a := newApplication(c, rl.FunctionConfig, w)
		if picked {
			if err := a.apply(); err != nil {
				return err
			}
			applied = append(applied, a.Results...)
			return nil
		}
		if err := a.release(); err != nil {
			return err
		}
		released = append(released, a.Results...)
		return nil
	})
	rl.Results = append(append(rl.Results, applied...), released...)
	return err
}

// isCommitSHA tells a full SHA-1 or SHA-256 commit name.
func isCommitSHA(rev string) bool {
	return (len(rev) == 40 || len(rev) == 64) && strings.Trim(rev, "0123456789abcdef") == ""
}

// warnMovingRevisions warns about revisions that are names: every start of a pod
// fetches what the name points to then, so pods of one workload can run different code.
func warnMovingRevisions(cfg *fnconfigs.InitChain, rl *krm.ResourceList) {
	for i, s := range cfg.Spec.Steps {
		if s.GitClone == nil || isCommitSHA(s.GitClone.Revision) {
			continue
		}
		rl.Results = append(rl.Results, krm.WarningResult(rl.FunctionConfig, fmt.Sprintf("spec.steps[%d].gitClone.revision", i),
			"revision %q is not a full commit SHA: a branch or tag can move, and each start of a pod checks out what it points to then, so pods of one workload can run different code; pin the commit SHA",
			s.GitClone.Revision))
	}
}

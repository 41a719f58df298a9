// Package initchain adds ordered init containers on a shared volume to pod templates:
// the Kubernetes way to do a derived image's RUN git clone and RUN pip install at pod
// start, with a bounded postStart hook for configuration the app takes once it runs.
package initchain

import (
	_ "embed"
	"fmt"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

//go:embed help.txt
var help string

// Function is add-init-chain.
var Function = krm.New("add-init-chain", "InitChain",
	"add ordered init containers on a shared volume (git clone, pip install) and a bounded postStart hook",
	help, func() *fnconfigs.InitChain { return &fnconfigs.InitChain{} }, transform)

func transform(cfg *fnconfigs.InitChain, rl *krm.ResourceList) error {
	warnMovingRevisions(cfg, rl)
	targets := workload.Select(rl, cfg.Spec.Targets, "spec.selector")
	others := unpicked(rl.Items, targets)
	if len(targets) == 0 && len(others) == 0 {
		return nil // building the chain would be most of the run's work
	}
	c, err := newChain(cfg)
	if err != nil {
		return err
	}
	for _, w := range targets {
		a := newApplication(c, rl.FunctionConfig, w)
		if err := a.apply(); err != nil {
			return err
		}
		rl.Results = append(rl.Results, a.results...)
	}
	for _, w := range others {
		a := newApplication(c, rl.FunctionConfig, w)
		if err := a.release(); err != nil {
			return err
		}
		rl.Results = append(rl.Results, a.results...)
	}
	return nil
}

// unpicked are the workloads among items that are not targets, in list order.
func unpicked(items []*yaml.RNode, targets []workload.Workload) []workload.Workload {
	picked := map[*yaml.RNode]bool{}
	for _, w := range targets {
		picked[w.Item] = true
	}
	var others []workload.Workload
	for _, item := range items {
		if w, ok := workload.Of(item); ok && !picked[item] && !krm.Reserved(item) {
			others = append(others, w)
		}
	}
	return others
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
		rl.Results = append(rl.Results, krm.Warning(rl.FunctionConfig, fmt.Sprintf("spec.steps[%d].gitClone.revision", i),
			"revision %q is not a full commit SHA: a branch or tag can move, and each start of a pod checks out what it points to then, so pods of one workload can run different code; pin the commit SHA",
			s.GitClone.Revision))
	}
}

// Package kanikojob generates a batch/v1 Job that builds and pushes an image with the
// kaniko executor inside the cluster: for the builds that cannot become Kubernetes
// features (compilation), without Docker-in-Docker's privileged containers.
package kanikojob

import (
	"embed"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The README is the help (--help prints it); the kpt catalog entry gives the summary.
//
//go:embed README.md metadata.yaml
var docs embed.FS

const kind = "KanikoJob"

// Function is gen-kaniko-job.
var Function = withQuantityPaths(krm.New("gen-kaniko-job", kind, docs,
	func() *fnconfigs.KanikoJob { return &fnconfigs.KanikoJob{} }, transform))

func transform(cfg *fnconfigs.KanikoJob, rl *krm.ResourceList) error {
	rev, ok := resolveRevision(cfg, rl)
	if !ok {
		return nil
	}
	b := newBuild(cfg, rev)
	job, err := b.job()
	if err != nil {
		return err
	}
	if err := rl.ReplaceGenerated(kind+"."+cfg.Metadata.Name, []*yaml.RNode{job}); err != nil {
		return err
	}
	rl.Results = append(rl.Results, krm.InfoResult(job, "generated: kaniko builds %s and pushes %s%s",
		cfg.Spec.Context, strings.Join(b.pushed(), ", "), rev.explain()))
	checks, err := b.checks(rl)
	if err != nil {
		return err
	}
	rl.Results = append(rl.Results, checks...)
	return b.consumers(rl, *cfg.Spec.WireImages)
}

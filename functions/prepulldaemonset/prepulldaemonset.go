// Package prepulldaemonset generates a DaemonSet that keeps the pipeline's images on every
// node, as kubernetes-image-puller does, but as plain manifests: no controller, no
// ServiceAccount for it, no image list in a ConfigMap.
package prepulldaemonset

import (
	"embed"
	"fmt"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The README is the help (--help prints it); the kpt catalog entry gives the summary.
//
//go:embed README.md metadata.yaml
var docs embed.FS

const kind = "PrepullDaemonSet"

// Function is gen-prepull-daemonset.
var Function = krm.New("gen-prepull-daemonset", kind, docs,
	func() *fnconfigs.PrepullDaemonSet { return &fnconfigs.PrepullDaemonSet{} }, transform)

func transform(cfg *fnconfigs.PrepullDaemonSet, rl *krm.ResourceList) error {
	c, err := collect(cfg, rl)
	if err != nil {
		return err
	}
	groups := c.groups()
	c.checkNames(rl.FunctionConfig, groups)
	c.checkKubectlSkew(rl.FunctionConfig)
	pullSecrets := c.pullSecrets()
	rl.Results = append(rl.Results, c.results...)
	if krm.HasErrors(rl.Results) {
		return nil
	}
	generator := kind + "." + cfg.Metadata.Name
	if len(groups) == 0 {
		rl.Results = append(rl.Results, krm.WarningResult(rl.FunctionConfig, "",
			"no image to pre-pull: the discovered images were all left out by spec.include/spec.exclude, or there were none, so no DaemonSet is generated"))
		return rl.ReplaceGenerated(generator, nil)
	}
	var objects []any
	var names []string
	for _, g := range groups {
		objects = append(objects, daemonSet(cfg, g, pullSecrets))
		names = append(names, g.name(cfg))
	}
	if cfg.Spec.Refresh != nil {
		objects = append(objects, refresh(cfg, names)...)
	}
	items := make([]*yaml.RNode, len(objects))
	for i, obj := range objects {
		item, err := krm.FromObject(obj)
		if err != nil {
			return err
		}
		items[i] = item
	}
	if err := rl.ReplaceGenerated(generator, items); err != nil {
		return err
	}
	for i, g := range groups {
		where := ""
		if g.key != "" {
			where = fmt.Sprintf(" on the nodes where %s can run (%s)", strings.Join(g.workloads, ", "), g.describe())
		}
		rl.Results = append(rl.Results, krm.InfoResult(items[i], "generated to pre-pull %s (%d listed, %d discovered)%s: %s",
			plural(len(g.images), "image"), g.listed, len(g.images)-g.listed, where, strings.Join(refs(g.images), ", ")))
	}
	if cfg.Spec.Refresh != nil {
		rl.Results = append(rl.Results, krm.InfoResult(items[len(items)-1],
			"generated to restart DaemonSet %s on schedule %q, with the ServiceAccount, Role and RoleBinding %s",
			strings.Join(names, ", "), cfg.Spec.Refresh.Schedule, items[len(items)-1].GetName()))
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

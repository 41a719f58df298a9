// Package scriptstoconfigmap puts scripts and config files into a ConfigMap mounted at
// their destination paths, and sets the containers' command and args: the Kubernetes way
// to do a derived image's ADD/COPY and CMD/ENTRYPOINT.
package scriptstoconfigmap

import (
	"embed"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The README is the help (--help prints it); the kpt catalog entry gives the summary.
//
//go:embed README.md metadata.yaml
var docs embed.FS

const kind = "ScriptsToConfigMap"

// Function is scripts-to-configmap.
var Function = krm.New("scripts-to-configmap", kind, docs,
	func() *fnconfigs.ScriptsToConfigMap { return &fnconfigs.ScriptsToConfigMap{} }, transform)

func transform(cfg *fnconfigs.ScriptsToConfigMap, rl *krm.ResourceList) error {
	files, results := readFiles(cfg, rl)
	rl.Results = append(rl.Results, results...)
	if krm.HasErrors(results) {
		return nil
	}
	object, err := newObject(cfg, files)
	if err != nil {
		return err
	}
	generator := kind + "." + cfg.Metadata.Name
	// The volume and mounts are the same in every workload: each gets copies.
	volume, err := newVolume(cfg.Spec.ConfigMapName, cfg.GeneratedKind(), object.GetName(), files)
	if err != nil {
		return err
	}
	mounts, err := newMounts(cfg.Spec.ConfigMapName, cfg.Spec.MountPath, files)
	if err != nil {
		return err
	}
	previous, err := rl.Generated(generator)
	if err != nil {
		return err
	}
	earlier := earlierNames(previous)
	var namespaces []string
	seen := map[string]bool{}
	// The targets' results come first, then those of the workloads the config leaves.
	var applied, released framework.Results
	err = workload.Each(rl, cfg.Spec.Target.Targets, "spec.target.selector", func(w workload.Workload, picked bool) error {
		if !picked {
			results, err := release(w, generator)
			released = append(released, results...)
			return err
		}
		a := &application{Report: krm.Report{Item: w.Item, Config: rl.FunctionConfig}, cfg: cfg, generator: generator, w: w, volume: volume, mounts: mounts}
		if err := a.apply(object.GetName(), earlier[w.Item.GetNamespace()]); err != nil {
			return err
		}
		applied = append(applied, a.Results...)
		if ns := w.Item.GetNamespace(); !seen[ns] {
			seen[ns] = true
			namespaces = append(namespaces, ns)
		}
		return nil
	})
	rl.Results = append(append(rl.Results, applied...), released...)
	if err != nil {
		return err
	}
	if krm.HasErrors(rl.Results) {
		return nil
	}
	if !*cfg.Spec.HashSuffix && len(namespaces) > 0 && hasDestination(files) {
		rl.Results = append(rl.Results, krm.Propose(krm.WarningResult(rl.FunctionConfig, "spec.hashSuffix",
			"files mounted at a destination (by subPath) never see updates of the %[1]s: the pods keep the old content until they restart. With hashSuffix: true, changed files get a new %[1]s name, which changes the pod template and rolls the pods",
			cfg.GeneratedKind()), true))
	}
	items, err := objectsFor(object, namespaces)
	if err != nil {
		return err
	}
	return generate(rl, generator, previous, items, len(files))
}

// application is the config applied to one workload.
type application struct {
	krm.Report
	cfg       *fnconfigs.ScriptsToConfigMap
	generator string
	w         workload.Workload
	// volume and mounts are what mount puts copies of in the pod.
	volume *yaml.Node
	mounts []*yaml.Node
}

// apply mounts the files in the workload's target containers, points its references to
// the generated object at name (earlier: the names, by kind, of what this config
// generated in the workload's namespace before), and sets the command and args.
func (a *application) apply(name string, earlier map[string]map[string]bool) error {
	targets := a.targetContainers()
	if a.Failed() {
		return nil
	}
	before := mountPaths(a.w, ownedVolume(a.w, a.generator))
	if err := a.mount(targets, name); err != nil {
		return err
	}
	kind := a.cfg.GeneratedKind()
	stale := map[string]bool{a.cfg.Spec.ConfigMapName: true}
	for old := range earlier[kind] {
		stale[old] = true
	}
	a.rewriteReferences(kind, stale, name)
	for other, gone := range earlier {
		if other != kind {
			a.warnGone(other, gone, name)
		}
	}
	if err := a.setCommand(targets); err != nil {
		return err
	}
	a.warnLeftCommand(gone(before, mountPaths(a.w, a.cfg.Spec.ConfigMapName)))
	return nil
}

// earlierNames are the names of the ConfigMaps and Secrets generated before, by
// namespace and kind: references to those of the kind generated now are references to
// what this config generates.
func earlierNames(previous []*yaml.RNode) map[string]map[string]map[string]bool {
	names := map[string]map[string]map[string]bool{}
	for _, item := range previous {
		ns, kind := item.GetNamespace(), item.GetKind()
		if names[ns] == nil {
			names[ns] = map[string]map[string]bool{}
		}
		if names[ns][kind] == nil {
			names[ns][kind] = map[string]bool{}
		}
		names[ns][kind][item.GetName()] = true
	}
	return names
}

// generate puts the ConfigMaps or Secrets in place of those generated before
// (previous), and reports the ones that are new or have new content.
func generate(rl *krm.ResourceList, generator string, previous, items []*yaml.RNode, files int) error {
	earlier := map[string]*yaml.RNode{}
	for _, item := range previous {
		earlier[item.GetKind()+"/"+item.GetNamespace()+"/"+item.GetName()] = item
	}
	if err := rl.ReplaceGenerated(generator, items); err != nil {
		return err
	}
	for _, item := range items {
		if old := earlier[item.GetKind()+"/"+item.GetNamespace()+"/"+item.GetName()]; old == nil || !sameContent(old, item) {
			rl.Results = append(rl.Results, krm.InfoResult(item, "generated from %d file(s)", files))
		}
	}
	return nil
}

// sameContent tells whether two ConfigMaps or Secrets hold the same files, whatever
// their metadata (kpt adds its own annotations to the one it read).
func sameContent(a, b *yaml.RNode) bool {
	for _, field := range []string{"immutable", "type", "data", "binaryData"} {
		fa, fb := a.Field(field), b.Field(field)
		if (fa == nil) != (fb == nil) || fa != nil && fa.Value.MustString() != fb.Value.MustString() {
			return false
		}
	}
	return true
}

func hasDestination(files []file) bool {
	for _, f := range files {
		if f.destination != "" {
			return true
		}
	}
	return false
}

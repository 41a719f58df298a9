package prepulldaemonset

import (
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fileAnnotations are where kpt and kustomize remember an item's file.
var fileAnnotations = []string{kioutil.PathAnnotation, kioutil.IndexAnnotation,
	kioutil.LegacyPathAnnotation, kioutil.LegacyIndexAnnotation}

// replaceGenerated is rl.ReplaceGenerated for a config that generates several items of
// one kind in one namespace (a DaemonSet per placement). krm.ResourceList.ReplaceGenerated
// gives a new item the file of the first earlier item of its kind and namespace, whatever
// its name: two DaemonSets would then claim the same file, and `kpt fn render` fails with
// `resource at path "…" and index "…" already exists`. So afterwards each new item takes
// the file of the earlier item of its own name, or none, and kpt gives it a file of its
// own. A shared helper would belong in package krm (matching by name first); it is kept
// here until that changes.
func replaceGenerated(rl *krm.ResourceList, generator string, items []*yaml.RNode) error {
	previous, err := rl.Generated(generator)
	if err != nil {
		return err
	}
	files := map[string]map[string]string{}
	for _, old := range previous {
		files[identity(old)] = old.GetAnnotations(fileAnnotations...)
	}
	if err := rl.ReplaceGenerated(generator, items); err != nil {
		return err
	}
	for _, item := range items {
		// An item equal to an earlier one was not put in the list (the earlier one stays):
		// changing it changes nothing.
		file := files[identity(item)]
		for _, key := range fileAnnotations {
			var op yaml.Filter = yaml.ClearAnnotation(key)
			if value, ok := file[key]; ok {
				op = yaml.SetAnnotation(key, value)
			}
			if err := item.PipeE(op); err != nil {
				return err
			}
		}
	}
	return nil
}

func identity(item *yaml.RNode) string {
	return item.GetKind() + "/" + item.GetNamespace() + "/" + item.GetName()
}

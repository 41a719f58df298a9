package prepulldaemonset

import (
	"fmt"
	"slices"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// pullSecrets are the configured imagePullSecrets, then, sorted, those of the workloads
// whose images were discovered: the DaemonSet pulls the same images, from the same
// private registries. A pod can only use Secrets of its own namespace, so a Secret
// referenced from another namespace than the DaemonSet's is reported.
func (c *collection) pullSecrets() []string {
	var names []string
	for _, s := range c.cfg.Spec.ImagePullSecrets {
		if !slices.Contains(names, s.Name) {
			names = append(names, s.Name)
		}
	}
	namespace := c.cfg.Metadata.Namespace
	var added []string
	reported := map[string]bool{}
	for _, f := range c.discovered {
		for _, ref := range f.secrets {
			if !slices.Contains(names, ref.name) && !slices.Contains(added, ref.name) {
				added = append(added, ref.name)
			}
			where := f.item.GetNamespace()
			if where == namespace || reported[where+"/"+ref.name] {
				continue
			}
			reported[where+"/"+ref.name] = true
			c.results = append(c.results, krm.WarningResult(f.item, ref.field,
				"imagePullSecret %q is a Secret of %s, but the pre-pull pods run in %s and can only use Secrets of their own namespace: copy the Secret there, or they pull without it",
				ref.name, namespaceOr(where, "the namespace this workload is applied to (it sets none)"),
				namespaceOr(namespace, "the namespace the DaemonSet is applied to (metadata.namespace is not set)")))
		}
	}
	slices.Sort(added)
	return append(names, added...)
}

func namespaceOr(ns, unset string) string {
	if ns == "" {
		return unset
	}
	return "namespace " + ns
}

// secretRef is one entry of a pod's imagePullSecrets.
type secretRef struct {
	name  string
	field string
}

func secretsOf(w workload.Workload) []secretRef {
	list := krm.Get(w.Template, "spec", "imagePullSecrets")
	if list == nil || list.YNode().Kind != yaml.SequenceNode {
		return nil
	}
	var refs []secretRef
	for i, entry := range list.Content() {
		name := stringField(yaml.NewRNode(entry), "name")
		if name != "" {
			refs = append(refs, secretRef{name: name, field: w.Field(fmt.Sprintf("spec.imagePullSecrets[%d].name", i))})
		}
	}
	return refs
}

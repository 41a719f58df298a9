package scriptstoconfigmap

import (
	"path"
	"slices"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setVolume replaces the pod's volume called name by volume, in place, or appends it;
// a nil volume removes it.
func setVolume(w workload.Workload, name string, volume *yaml.Node, e *edit) error {
	var entries []*yaml.Node
	if volume != nil {
		entries = append(entries, volume)
	}
	return replaceNamed(w.Template, name, entries, e, "spec", "volumes")
}

// setMounts replaces every mount of the volume called name, in every container of the
// pod, by the container's entry in mounts (none: the mounts are removed).
func setMounts(w workload.Workload, name string, mounts map[string][]*yaml.Node, e *edit) error {
	for _, c := range w.Containers() {
		if err := replaceNamed(c.Node, name, mounts[c.Name()], e, "volumeMounts"); err != nil {
			return err
		}
	}
	return nil
}

// replaceNamed replaces the entries called name in the list at path under parent by
// copies of entries, at the place of the first of them or else at the end. A list the
// removal leaves empty is removed; a missing one is created for entries. e learns what
// changed.
func replaceNamed(parent *yaml.RNode, name string, entries []*yaml.Node, e *edit, path ...string) error {
	list := krm.Lookup(parent.YNode(), path...)
	var old []*yaml.Node
	if list != nil {
		old = list.Content
	}
	at := -1
	kept := make([]*yaml.Node, 0, len(old)+len(entries))
	for _, n := range old {
		if krm.ScalarAt(n, "name") == name {
			if at < 0 {
				at = len(kept)
			}
			continue
		}
		kept = append(kept, n)
	}
	if at < 0 {
		at = len(kept)
	}
	fresh := make([]*yaml.Node, len(entries))
	for i, n := range entries {
		fresh[i] = krm.CopyNode(n)
	}
	content := append(kept[:at:at], append(fresh, kept[at:]...)...)
	switch {
	case len(content) == 0 && len(old) > 0:
		e.surely = true
		return clearField(parent, path)
	case len(content) == 0:
		return nil
	case list == nil || list.Tag == yaml.NodeTagNull: // missing, or "volumes:" without a value
		e.surely = true
		list = krm.LookupCreate(parent.YNode(), yaml.SequenceNode, path...)
	default:
		e.replaced(list, old, content)
	}
	list.Content = content
	return nil
}

// clearField removes the field at path under parent.
func clearField(parent *yaml.RNode, path []string) error {
	owner := krm.Lookup(parent.YNode(), path[:len(path)-1]...)
	if owner == nil {
		return nil
	}
	return yaml.NewRNode(owner).PipeE(yaml.Clear(path[len(path)-1]))
}

// mountPaths lists, by container, where the volume called name is mounted.
func mountPaths(w workload.Workload, name string) map[string][]string {
	paths := map[string][]string{}
	for _, c := range w.Containers() {
		for _, m := range workload.Entries(c.Node, "volumeMounts") {
			if krm.ScalarAt(m.YNode(), "name") == name {
				paths[c.Name()] = append(paths[c.Name()], path.Clean(krm.ScalarAt(m.YNode(), "mountPath")))
			}
		}
	}
	return paths
}

// gone lists, by container, the paths of before that are not in after.
func gone(before, after map[string][]string) map[string][]string {
	left := map[string][]string{}
	for c, paths := range before {
		for _, p := range paths {
			if !slices.Contains(after[c], p) {
				left[c] = append(left[c], p)
			}
		}
	}
	return left
}

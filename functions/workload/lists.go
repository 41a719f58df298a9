package workload

import (
	"path"

	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Entries lists the entries of the list at path under parent (nil when there is none).
func Entries(parent *yaml.RNode, path ...string) []*yaml.RNode {
	list := krm.Lookup(parent.YNode(), path...)
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	nodes := make([]*yaml.RNode, len(list.Content))
	for i, n := range list.Content {
		nodes[i] = yaml.NewRNode(n)
	}
	return nodes
}

// IndexNamed is the index of the entry called name in the list at path under parent
// (containers, volumes, mounts: the API names them), or -1.
func IndexNamed(parent *yaml.RNode, name string, path ...string) int {
	for i, n := range Entries(parent, path...) {
		if krm.ScalarAt(n.YNode(), "name") == name {
			return i
		}
	}
	return -1
}

// RemoveEntries removes the entries of the list field of parent whose key is want, and
// the list when that leaves it empty.
func RemoveEntries(parent *yaml.RNode, field, key, want string) error {
	list := krm.Get(parent, field)
	if list == nil {
		return nil
	}
	kept := list.YNode().Content[:0]
	for _, n := range list.YNode().Content {
		if krm.ScalarAt(n, key) != want {
			kept = append(kept, n)
		}
	}
	list.YNode().Content = kept
	if len(kept) == 0 {
		return parent.PipeE(yaml.Clear(field))
	}
	return nil
}

// MountIndex is the index of the container's volume mount at mountPath (compared as
// clean paths), or -1.
func MountIndex(container *yaml.RNode, mountPath string) int {
	for i, m := range Entries(container, "volumeMounts") {
		if path.Clean(krm.ScalarAt(m.YNode(), "mountPath")) == path.Clean(mountPath) {
			return i
		}
	}
	return -1
}

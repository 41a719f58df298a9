package initchain

import (
	"path"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// lookup is the node at path under parent, or nil.
func lookup(parent *yaml.RNode, path ...string) *yaml.RNode {
	n := krm.Lookup(parent.YNode(), path...)
	if n == nil || n.Tag == yaml.NodeTagNull {
		return nil
	}
	return yaml.NewRNode(n)
}

// indexOf is the index of the entry of the list field of parent whose key is want, or -1.
func indexOf(parent *yaml.RNode, field, key, want string) int {
	for i, n := range workload.Entries(parent, field) {
		if krm.ScalarAt(n.YNode(), key) == want {
			return i
		}
	}
	return -1
}

// mountIndex is the index of the container's mount at mountPath, or -1.
func mountIndex(container *yaml.RNode, mountPath string) int {
	for i, m := range workload.Entries(container, "volumeMounts") {
		if path.Clean(krm.ScalarAt(m.YNode(), "mountPath")) == path.Clean(mountPath) {
			return i
		}
	}
	return -1
}

// removeWhere removes the entries of the list field of parent whose key is want, and the
// list when that leaves it empty.
func removeWhere(parent *yaml.RNode, field, key, want string) error {
	list := lookup(parent, field)
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

// lookupCreate is the field of parent, created of kind when missing or written without
// a value (krm.LookupCreate); where parent is not a mapping, kyaml's LookupCreate gives
// the error.
func lookupCreate(parent *yaml.RNode, kind yaml.Kind, field string) (*yaml.RNode, error) {
	n := krm.LookupCreate(parent.YNode(), kind, field)
	if n == nil {
		return parent.Pipe(yaml.LookupCreate(kind, field)) // its errors
	}
	return yaml.NewRNode(n), nil
}

// insert puts nodes into the list field of parent at index at, creating the list.
func insert(parent *yaml.RNode, field string, at int, nodes ...*yaml.RNode) error {
	list, err := lookupCreate(parent, yaml.SequenceNode, field)
	if err != nil {
		return err
	}
	content := list.YNode().Content
	fresh := make([]*yaml.Node, len(nodes))
	for i, n := range nodes {
		fresh[i] = krm.CopyNode(n.YNode())
	}
	list.YNode().Content = append(content[:at:at], append(fresh, content[at:]...)...)
	return nil
}

// createListBefore adds an empty list field to parent, right before the field next (at
// the end without it), unless parent has the field already.
func createListBefore(parent *yaml.RNode, field, next string) {
	if parent.Field(field) != nil {
		return
	}
	at := len(parent.YNode().Content)
	for i := 0; i+1 < len(parent.YNode().Content); i += 2 {
		if parent.YNode().Content[i].Value == next {
			at = i
			break
		}
	}
	pair := []*yaml.Node{yaml.NewStringRNode(field).YNode(), yaml.NewListRNode().YNode()}
	content := parent.YNode().Content
	parent.YNode().Content = append(content[:at:at], append(pair, content[at:]...)...)
}

package initchain

import (
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// insert puts nodes into the list field of parent at index at, creating the list.
func insert(parent *yaml.RNode, field string, at int, nodes ...*yaml.RNode) error {
	list, err := krm.Ensure(parent, yaml.SequenceNode, field)
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

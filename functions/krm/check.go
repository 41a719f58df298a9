package krm

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// checkItem rejects what the API server would reject or misread in an item: a missing
// apiVersion, kind or name, and a key twice in one mapping (YAML parsers keep either
// the first or the last value, so the two tools in a chain could disagree).
func checkItem(i int, item *yaml.RNode) error {
	n := item.YNode()
	if err := CheckShape(item); err != nil {
		return fmt.Errorf("items[%d] (line %d): %w", i, n.Line, err)
	}
	if ScalarAt(n, "apiVersion") == "" || ScalarAt(n, "kind") == "" {
		return fmt.Errorf("items[%d] (line %d): every resource needs apiVersion and kind", i, n.Line)
	}
	if ScalarAt(n, "metadata", "name") == "" && ScalarAt(n, "metadata", "generateName") == "" {
		return fmt.Errorf("items[%d] (%s, line %d): every resource needs metadata.name", i, item.GetKind(), n.Line)
	}
	if err := checkKeys(n); err != nil {
		return fmt.Errorf("items[%d] (%s), %w", i, Describe(item), err)
	}
	return nil
}

// CheckShape makes sure the fields every tool reads have the shape the API gives them:
// readers of metadata (kyaml's among them) assume it.
func CheckShape(item *yaml.RNode) error {
	for _, f := range shapes {
		node := Lookup(item.YNode(), f.path...)
		if node == nil || node.Tag == yaml.NodeTagNull {
			continue
		}
		if node.Kind != f.kind {
			return fmt.Errorf("%s must be a %s", strings.Join(f.path, "."), kindName(f.kind))
		}
		if f.kind == yaml.MappingNode && len(f.path) == 2 {
			for _, v := range node.Content {
				if v.Kind != yaml.ScalarNode {
					return fmt.Errorf("%s: keys and values must be strings", strings.Join(f.path, "."))
				}
			}
		}
	}
	return nil
}

var shapes = []struct {
	path []string
	kind yaml.Kind
}{
	{[]string{"apiVersion"}, yaml.ScalarNode},
	{[]string{"kind"}, yaml.ScalarNode},
	{[]string{"metadata"}, yaml.MappingNode},
	{[]string{"metadata", "name"}, yaml.ScalarNode},
	{[]string{"metadata", "generateName"}, yaml.ScalarNode},
	{[]string{"metadata", "namespace"}, yaml.ScalarNode},
	{[]string{"metadata", "labels"}, yaml.MappingNode},
	{[]string{"metadata", "annotations"}, yaml.MappingNode},
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.AliasNode:
		return "alias"
	}
	return "single value"
}

// checkKeys finds a key that is not a single value (JSON and the API have string keys
// only), or that appears twice in one mapping of the tree. It compares the keys of small
// mappings pairwise: a map for each of the list's mappings would cost more than reading
// the list.
func checkKeys(n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		for k := 0; k < len(n.Content); k += 2 {
			if key := n.Content[k]; key.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: a key is a %s: keys must be single values, as in JSON", key.Line, kindName(key.Kind))
			}
		}
		if k := repeatedKey(n.Content); k >= 0 {
			return fmt.Errorf("line %d: the key %q appears twice in one mapping: keep one", n.Content[k].Line, n.Content[k].Value)
		}
	}
	for _, c := range n.Content {
		if err := checkKeys(c); err != nil {
			return err
		}
	}
	return nil
}

// repeatedKey is the index in a mapping's content of the first key that repeats an
// earlier one, or -1.
func repeatedKey(content []*yaml.Node) int {
	if len(content) > 32 {
		seen := make(map[string]bool, len(content)/2)
		for k := 0; k+1 < len(content); k += 2 {
			if seen[content[k].Value] {
				return k
			}
			seen[content[k].Value] = true
		}
		return -1
	}
	for k := 2; k+1 < len(content); k += 2 {
		for j := 0; j < k; j += 2 {
			if content[j].Value == content[k].Value {
				return k
			}
		}
	}
	return -1
}

// usesAnchors tells whether a tree has YAML anchors or aliases.
func usesAnchors(n *yaml.Node) bool {
	if n.Anchor != "" || n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if usesAnchors(c) {
			return true
		}
	}
	return false
}

package krm

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// checkItem rejects what the API server would reject or misread in an item: a missing
// apiVersion, kind or name, and a key twice in one mapping (YAML parsers keep either
// the first or the last value, so the two tools in a chain could disagree).
func checkItem(i int, item *yaml.RNode) error {
	if item.GetApiVersion() == "" || item.GetKind() == "" {
		return fmt.Errorf("items[%d] (line %d): every resource needs apiVersion and kind", i, item.YNode().Line)
	}
	if generateName, _ := item.Pipe(yaml.Lookup("metadata", "generateName")); item.GetName() == "" && yaml.GetValue(generateName) == "" {
		return fmt.Errorf("items[%d] (%s, line %d): every resource needs metadata.name", i, item.GetKind(), item.YNode().Line)
	}
	return duplicateKeys(fmt.Sprintf("items[%d] (%s)", i, Describe(item)), item.YNode())
}

func duplicateKeys(where string, n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		seen := make(map[string]bool, len(n.Content)/2)
		for k := 0; k+1 < len(n.Content); k += 2 {
			key := n.Content[k].Value
			if seen[key] {
				return fmt.Errorf("%s, line %d: the key %q appears twice in one mapping: keep one", where, n.Content[k].Line, key)
			}
			seen[key] = true
		}
	}
	for _, c := range n.Content {
		if err := duplicateKeys(where, c); err != nil {
			return err
		}
	}
	return nil
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

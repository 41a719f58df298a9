package krm

import (
	"fmt"

	"github.com/unbake/unbake/functions/krm/internal/codec"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// released is a tree Each gave a visitor and then turned back into text, kept in the
// checked build to find visitors that change it later, when the change would be lost.
type released struct {
	index int
	tree  *yaml.RNode
	print uint64
}

// keepReleased notes the tree of entry i as released (checked build only).
func (rl *ResourceList) keepReleased(i int, tree *yaml.RNode) {
	if checked {
		rl.released = append(rl.released, released{i, tree, codec.Fingerprint(tree.YNode())})
	}
}

// checkReleased fails when a tree was changed after its visit (checked build only).
func (rl *ResourceList) checkReleased() error {
	for _, r := range rl.released {
		if codec.Fingerprint(r.tree.YNode()) != r.print {
			return fmt.Errorf("items[%d] (%s) was changed after Each visited it, and the change would be lost: "+
				"keep trees with Items or ItemsWith, not from an Each visit", r.index, Describe(r.tree))
		}
	}
	return nil
}

// checkMissed fails when match picks an item that ItemsWith skipped because its text
// does not contain s (checked build only).
func (rl *ResourceList) checkMissed(s string, needle []byte, match func(item *yaml.RNode) bool) error {
	if !checked {
		return nil
	}
	for i, e := range rl.entries {
		if e.mayHold(needle) {
			continue
		}
		item, err := parseItem(i, e.source, e.ours)
		if err == nil && match(item) {
			return fmt.Errorf("ItemsWith(%q) skipped items[%d] (%s), whose text does not contain %q, "+
				"but its predicate picks it: search for a string every picked item holds", s, i, Describe(item), s)
		}
	}
	return nil
}

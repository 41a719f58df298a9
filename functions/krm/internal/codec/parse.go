package codec

import (
	"bytes"
	"errors"
	"io"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Parse parses one item cut out by Split: with fastParse where it can, else with yaml.v3
// under an "items:" key, so that comments attach to its nodes as they do in the whole
// list, its line numbers moved to the input's.
func Parse(t Text) (*yaml.Node, error) {
	if Fast {
		if n, ok := fastParse(t.Entry, t.EntryLine, t.Dash); ok {
			return n, nil
		}
	}
	var doc yaml.Node
	err := yaml.NewDecoder(io.MultiReader(bytes.NewReader(itemsKey), bytes.NewReader(t.Text))).Decode(&doc)
	if err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 {
		return nil, errNotOneItem
	}
	seq := yaml.NewRNode(doc.Content[0]).Field("items")
	if seq == nil || seq.Value.YNode().Kind != yaml.SequenceNode || len(seq.Value.Content()) != 1 {
		return nil, errNotOneItem
	}
	item := seq.Value.Content()[0]
	shiftLines(item, t.Line-2)
	return item, nil
}

var (
	itemsKey      = []byte("items:\n")
	errNotOneItem = errors.New("the text cut out for an item is not one sequence entry")
)

func shiftLines(n *yaml.Node, by int) {
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

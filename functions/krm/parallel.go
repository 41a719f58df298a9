package krm

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// parseItem parses one item: with fastParse where it can, else with yaml.v3 under an
// "items:" key, so that comments attach to its nodes as they do in the whole list, its
// line numbers moved to the input's. It checks the item unless the text is unbake's own.
func parseItem(i int, t itemText, ours bool) (*yaml.RNode, error) {
	check := asItem
	if ours {
		check = func(_ int, n *yaml.Node) (*yaml.RNode, error) { return yaml.NewRNode(n), nil }
	}
	if n, ok := fastParse(t.entry, t.entryLine, t.dash); ok {
		return check(i, n)
	}
	var doc yaml.Node
	err := yaml.NewDecoder(io.MultiReader(bytes.NewReader(itemsKey), bytes.NewReader(t.text))).Decode(&doc)
	if err != nil {
		return nil, err
	}
	if len(doc.Content) != 1 {
		return nil, errNotOneItem
	}
	seq := Lookup(doc.Content[0], "items")
	if seq == nil || seq.Kind != yaml.SequenceNode || len(seq.Content) != 1 {
		return nil, errNotOneItem
	}
	shiftLines(seq.Content[0], t.line-2)
	return check(i, seq.Content[0])
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

// eachIndex calls do for 0..n-1 on as many goroutines as there are CPUs to run them.
func eachIndex(n int, do func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				do(i)
			}
		})
	}
	wg.Wait()
}

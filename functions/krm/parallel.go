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

// parseItems parses every item on its own, on all CPUs, and records its text. ok is
// false if any item does not parse or check: the caller reads the list as a whole then,
// which reports the problem with its position in the input.
func parseItems(texts []itemText) ([]*yaml.RNode, map[*yaml.Node]rawItem, bool) {
	items := make([]*yaml.RNode, len(texts))
	prints := make([]uint64, len(texts))
	var failed atomic.Bool
	eachIndex(len(texts), func(i int) {
		item, err := parseItem(i, texts[i])
		if err != nil {
			failed.Store(true)
			return
		}
		items[i], prints[i] = item, fingerprint(item.YNode())
	})
	if failed.Load() {
		return nil, nil, false
	}
	raw := make(map[*yaml.Node]rawItem, len(items))
	for i, item := range items {
		raw[item.YNode()] = rawItem{text: texts[i].entry, fingerprint: prints[i]}
	}
	return items, raw, true
}

// parseItem parses one item: with fastParse where it can, else with yaml.v3 under an
// "items:" key, so that comments attach to its nodes as they do in the whole list, its
// line numbers moved to the input's.
func parseItem(i int, t itemText) (*yaml.RNode, error) {
	if n, ok := fastParse(t.entry, t.entryLine, t.dash); ok {
		return asItem(i, n)
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
	return asItem(i, seq.Content[0])
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

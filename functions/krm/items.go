package krm

import (
	"bytes"
	"fmt"

	"github.com/unbake/unbake/functions/krm/internal/codec"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// entry is one item of the list. An item read from a block-style list stays text until a
// function asks for it; one that Each parsed goes back to text when visited, so memory
// holds the list's text and a window of trees, not a tree of every item.
type entry struct {
	// tree is the parsed item, nil while the item is only text.
	tree *yaml.RNode
	// keep holds tree until Write: the item was asked for as a tree, or made in the run.
	keep bool
	// source is the item's text as a sequence entry (nil if it has none): as read, or as
	// unbake wrote it when a visit changed it. Write writes it while tree is nil or unchanged.
	source codec.Text
	// ours tells that source is unbake's writing, not input to check.
	ours bool
	// checked tells that the item was parsed and checked once.
	checked bool
	// print is tree's fingerprint when it was parsed from source.
	print uint64
}

// NewResourceList makes a list of items, held as trees, and a functionConfig.
func NewResourceList(items []*yaml.RNode, functionConfig *yaml.RNode) *ResourceList {
	rl := &ResourceList{FunctionConfig: functionConfig}
	for _, item := range items {
		rl.entries = append(rl.entries, entry{tree: item, keep: true, checked: true})
	}
	return rl
}

// Len is the number of items.
func (rl *ResourceList) Len() int { return len(rl.entries) }

// Items returns every item as a tree, and keeps the trees until Write: for code that
// looks at items many times, or across the list.
func (rl *ResourceList) Items() ([]*yaml.RNode, error) {
	all := make([]int, len(rl.entries))
	for i := range all {
		all[i] = i
	}
	if err := rl.parse(all); err != nil {
		return nil, err
	}
	items := make([]*yaml.RNode, len(all))
	for i := range rl.entries {
		rl.entries[i].keep = true
		items[i] = rl.entries[i].tree
	}
	return items, nil
}

// ItemsWith is Items for the items match picks. match must pick only items with a
// scalar (a key or a value) that contains s, a string without spaces, quotes or
// backslashes such as a kind or a name: only the items whose text can hold s are parsed
// (the checked build, -tags unbakecheck, fails when match picks an item it skipped).
func (rl *ResourceList) ItemsWith(s string, match func(item *yaml.RNode) bool) ([]*yaml.RNode, error) {
	needle := []byte(s)
	var candidates []int
	for i, e := range rl.entries {
		if e.mayHold(needle) {
			candidates = append(candidates, i)
		}
	}
	if err := rl.checkMissed(s, needle, match); err != nil {
		return nil, err
	}
	var items []*yaml.RNode
	for from := 0; from < len(candidates); from += writeWindow {
		window := candidates[from:min(from+writeWindow, len(candidates))]
		if err := rl.parse(window); err != nil {
			return nil, err
		}
		for _, i := range window {
			e := &rl.entries[i]
			switch {
			case match(e.tree):
				e.keep = true
				items = append(items, e.tree)
			case !e.keep:
				e.tree = nil // unchanged: its text stands
			}
		}
	}
	return items, nil
}

// mayHold tells whether the item may have a scalar that contains needle: a scalar's text
// holds its value, but for escapes (a backslash) and the folding of lines at spaces,
// which needle has none of.
func (e *entry) mayHold(needle []byte) bool {
	return e.tree != nil || bytes.Contains(e.source.Entry, needle) || bytes.IndexByte(e.source.Entry, '\\') >= 0
}

// Each calls visit on every item in order, and stops at the first error. Items held as
// text are parsed a window at a time on all CPUs, and go back to text once visited: as
// their own bytes if visit left them unchanged, else written. visit must not keep the
// trees it is given beyond the call (the checked build, -tags unbakecheck, fails when a
// tree is changed after its visit), nor add or remove items.
func (rl *ResourceList) Each(visit func(item *yaml.RNode) error) error {
	for from := 0; from < len(rl.entries); from += writeWindow {
		window := make([]int, 0, writeWindow)
		for i := from; i < min(from+writeWindow, len(rl.entries)); i++ {
			window = append(window, i)
		}
		if err := rl.parse(window); err != nil {
			return err
		}
		for _, i := range window {
			if err := visit(rl.entries[i].tree); err != nil {
				return err
			}
		}
		if err := rl.release(window); err != nil {
			return err
		}
	}
	return nil
}

// parse gives the entries at indexes a tree, parsing the text-only ones on all CPUs.
func (rl *ResourceList) parse(indexes []int) error {
	errs := make([]error, len(indexes))
	eachIndex(len(indexes), func(k int) {
		i := indexes[k]
		e := &rl.entries[i]
		if e.tree != nil {
			return
		}
		if e.tree, errs[k] = parseItem(i, e.source, e.ours); errs[k] == nil {
			e.print, e.checked = codec.Fingerprint(e.tree.YNode()), true
		}
	})
	for k, err := range errs {
		if err != nil {
			return rl.unreadable(indexes[k], err)
		}
	}
	return nil
}

// release turns the trees Each parsed at indexes back into text, writing the changed ones.
func (rl *ResourceList) release(indexes []int) error {
	for _, i := range indexes {
		if e := rl.entries[i]; !e.keep && e.tree != nil {
			rl.keepReleased(i, e.tree)
		}
	}
	errs := make([]error, len(indexes))
	eachIndex(len(indexes), func(k int) {
		e := &rl.entries[indexes[k]]
		if e.keep || e.tree == nil {
			return
		}
		text, written, err := e.text()
		if errs[k] = err; err != nil {
			return
		}
		if written {
			e.source, e.ours = codec.Text{Entry: text, Text: text, Line: 1, EntryLine: 1}, true
		}
		e.tree = nil
	})
	for k, err := range errs {
		if err != nil {
			return fmt.Errorf("writing items[%d]: %w", indexes[k], err)
		}
	}
	return nil
}

// checkRest parses and checks the items no function looked at, so that bad input is
// reported whatever the function did.
func (rl *ResourceList) checkRest() error {
	var unchecked []int
	for i, e := range rl.entries {
		if !e.checked {
			unchecked = append(unchecked, i)
		}
	}
	if err := rl.parse(unchecked); err != nil {
		return err
	}
	for _, i := range unchecked {
		if !rl.entries[i].keep {
			rl.entries[i].tree = nil
		}
	}
	return nil
}

// parseItem parses the i-th item from its text, and checks it unless the text is
// unbake's own.
func parseItem(i int, t codec.Text, ours bool) (*yaml.RNode, error) {
	n, err := codec.Parse(t)
	if err != nil {
		return nil, err
	}
	if ours {
		return yaml.NewRNode(n), nil
	}
	return asItem(i, n)
}

// unchangedText returns the item's source text if it has no tree, or a tree as it was
// parsed from that text.
func (e *entry) unchangedText() ([]byte, bool) {
	if e.tree == nil {
		return e.source.Entry, true
	}
	if e.source.Entry == nil || codec.Fingerprint(e.tree.YNode()) != e.print {
		return nil, false
	}
	return e.source.Entry, true
}

// inputError is a problem of the input found while reading its items: it is reported
// as Read reports one, without the function's results (and without the wrapping of the
// function's own errors around it).
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }

func (e *inputError) Unwrap() error { return e.err }

// unreadable explains why the item at i does not parse or check: the reader of the whole
// list tells where in the input the problem is.
func (rl *ResourceList) unreadable(i int, err error) error {
	if rl.entries[i].ours {
		return fmt.Errorf("reading back items[%d] as written: %w", i, err)
	}
	if _, whole := readWhole(rl.data); whole != nil {
		return &inputError{whole}
	}
	return &inputError{fmt.Errorf("items[%d]: %w", i, err)}
}

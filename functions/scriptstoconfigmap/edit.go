package scriptstoconfigmap

import "sigs.k8s.io/kustomize/kyaml/yaml"

// edit is what edits of a pod template changed, so that whether it reads differently
// is known without encoding it: mostly, the edits surely show, or replaced entries
// with the same trees.
type edit struct {
	surely bool
	// maybe are the lists whose entries were replaced by as many that differ only in
	// style, tag or comments, which the encoder may or may not show; one entry a list.
	maybe []replacement
}

// replacement is a list and its entries before.
type replacement struct {
	list *yaml.Node
	old  []*yaml.Node
}

// replaced notes that list's entries old were replaced by content. Content of a list
// that is not a sequence (null) is not encoded.
func (e *edit) replaced(list *yaml.Node, old, content []*yaml.Node) {
	if list.Kind != yaml.SequenceNode {
		return
	}
	if len(old) != len(content) {
		e.surely = true
		return
	}
	d := same
	for i := range old {
		d = max(d, compare(old[i], content[i]))
	}
	switch d {
	case surely:
		e.surely = true
	case maybe:
		e.maybe = append(e.maybe, replacement{list: list, old: old})
	}
}

// changed tells whether template reads differently than before the edits: only
// replacements that may not show are encoded, before and after, to tell.
func (e *edit) changed(template *yaml.RNode) bool {
	if e.surely || len(e.maybe) == 0 {
		return e.surely
	}
	after := template.MustString()
	e.swap()
	before := template.MustString()
	e.swap()
	return before != after
}

// swap puts back the entries of the maybe lists, or those that replaced them.
func (e *edit) swap() {
	for i := range e.maybe {
		r := &e.maybe[i]
		r.list.Content, r.old = r.old, r.list.Content
	}
}

// difference is how the encodings of two nodes differ.
type difference int

const (
	// same trees encode the same.
	same difference = iota
	// maybe: styles, tags or comments differ, which the encoder may not show (a
	// quoted string it must quote anyway, a block mapping inside a flow list).
	maybe
	// surely: a kind, a scalar's value or a count of entries differs, which the text
	// reads back to.
	surely
)

// compare compares a and b without encoding them.
func compare(a, b *yaml.Node) difference {
	if a == b {
		return same
	}
	if a.Kind != b.Kind || len(a.Content) != len(b.Content) || a.Kind == yaml.ScalarNode && a.Value != b.Value {
		return surely
	}
	d := same
	if a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor || a.Alias != b.Alias ||
		a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment {
		d = maybe
	}
	for i := 0; i < len(a.Content) && d != surely; i++ {
		d = max(d, compare(a.Content[i], b.Content[i]))
	}
	return d
}

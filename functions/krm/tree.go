package krm

import (
	"strings"

	"github.com/unbake/unbake/functions/krm/internal/codec"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Lookup follows keys through mappings (aliases resolved), or returns nil: the node at a
// path without kyaml's filters, which allocate on every call.
func Lookup(n *yaml.Node, keys ...string) *yaml.Node {
	for _, key := range keys {
		for n.Kind == yaml.AliasNode && n.Alias != nil {
			n = n.Alias
		}
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// ScalarAt is the value of the scalar at keys, or "".
func ScalarAt(n *yaml.Node, keys ...string) string {
	if v := Lookup(n, keys...); v != nil && v.Kind == yaml.ScalarNode {
		return v.Value
	}
	return ""
}

// LookupCreate is the node at keys, created where missing as kyaml's LookupCreate
// creates it (mappings on the way, of kind at the end, appended to their parents). A
// field written without a value ("volumes:") becomes an empty one: kyaml returns the
// null itself, or nothing below it, and what is added to that is never written. It
// returns nil when a node on the way is not a mapping.
func LookupCreate(n *yaml.Node, kind yaml.Kind, keys ...string) *yaml.Node {
	for i, key := range keys {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		want := yaml.MappingNode
		if i == len(keys)-1 {
			want = kind
		}
		next := Lookup(n, key)
		switch {
		case next == nil:
			next = &yaml.Node{Kind: want}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, next)
		case next.Tag == yaml.NodeTagNull:
			tag := yaml.NodeTagMap
			if want == yaml.SequenceNode {
				tag = yaml.NodeTagSeq
			}
			next.Kind, next.Tag, next.Value, next.Style = want, tag, "", 0
		}
		n = next
	}
	return n
}

// Inline writes n on one line, every collection in flow style and without comments, for
// messages.
func Inline(n *yaml.Node) string {
	if text, ok := codec.OneLine(n); ok {
		return text
	}
	c := yaml.CopyYNode(n)
	toFlowStyle(c)
	text, err := yaml.String(c)
	if err != nil {
		return n.Value
	}
	return strings.TrimSpace(text)
}

func toFlowStyle(n *yaml.Node) {
	if n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode {
		n.Style = yaml.FlowStyle
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		toFlowStyle(c)
	}
}

// Get is the field at path under parent, or nil where it is missing or null: a field
// written null is absent, as the API server reads it.
func Get(parent *yaml.RNode, path ...string) *yaml.RNode {
	if parent == nil {
		return nil
	}
	n := Lookup(parent.YNode(), path...)
	if n == nil || n.Tag == yaml.NodeTagNull {
		return nil
	}
	return yaml.NewRNode(n)
}

// Ensure is the field at path under parent, created of kind where missing or written
// without a value (see LookupCreate). Where a node on the path is not a mapping, kyaml's
// LookupCreate gives the error.
func Ensure(parent *yaml.RNode, kind yaml.Kind, path ...string) (*yaml.RNode, error) {
	n := LookupCreate(parent.YNode(), kind, path...)
	if n == nil {
		return parent.Pipe(yaml.LookupCreate(kind, path...)) // its error
	}
	return yaml.NewRNode(n), nil
}

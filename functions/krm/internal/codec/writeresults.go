package codec

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// writeResults writes the results field as writing framework.Results would, without
// reflection and node by node: a function may report one result per item of a large
// list, so each result is built in the nodes of the one before and written at once.
func writeResults(buf *bytes.Buffer, results framework.Results) error {
	buf.WriteString("results:\n")
	var w resultWriter
	for _, r := range results {
		n, err := w.result(r)
		if err != nil {
			return err
		}
		if err := Append(buf, n); err != nil {
			return err
		}
	}
	return nil
}

// resultWriter holds the nodes of one result, reused for the next.
type resultWriter struct {
	nodes                 []yaml.Node
	top, ref, field, file mapping
}

func (w *resultWriter) result(r *framework.Result) (*yaml.Node, error) {
	w.nodes = w.nodes[:0]
	top := w.top.reset(w)
	top.add("message", r.Message)
	top.add("severity", string(r.Severity))
	if ref := r.ResourceRef; ref != nil {
		refs := w.ref.reset(w)
		refs.add("apiVersion", ref.APIVersion)
		refs.add("kind", ref.Kind)
		refs.add("name", ref.Name)
		refs.add("namespace", ref.Namespace)
		top.addNode("resourceRef", refs.node())
	}
	if f := r.Field; f != nil {
		field := w.field.reset(w)
		field.add("path", f.Path)
		for _, v := range []struct {
			key   string
			value any
		}{{"currentValue", f.CurrentValue}, {"proposedValue", f.ProposedValue}} {
			if v.value == nil {
				continue
			}
			n, err := valueNode(v.value)
			if err != nil {
				return nil, err
			}
			field.addNode(v.key, w.node(n))
		}
		top.addNode("field", field.node())
	}
	if f := r.File; f != nil {
		file := w.file.reset(w)
		file.add("path", f.Path)
		if f.Index != 0 {
			file.addNode("index", w.node(yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.Itoa(f.Index)}))
		}
		top.addNode("file", file.node())
	}
	if len(r.Tags) > 0 {
		var tags yaml.Node
		if err := tags.Encode(r.Tags); err != nil {
			return nil, err
		}
		top.addNode("tags", &tags)
	}
	return top.node(), nil
}

// node places n among the result's nodes. A node placed before the slice grew stays
// where it was, in the old array, so its pointer holds.
func (w *resultWriter) node(n yaml.Node) *yaml.Node {
	w.nodes = append(w.nodes, n)
	return &w.nodes[len(w.nodes)-1]
}

// mapping collects the fields of a struct being encoded, leaving out empty ones as
// omitempty does.
type mapping struct {
	w       *resultWriter
	content []*yaml.Node
}

func (m *mapping) reset(w *resultWriter) *mapping {
	m.w, m.content = w, m.content[:0]
	return m
}

func (m *mapping) add(key, value string) {
	if value != "" {
		m.addNode(key, m.w.node(stringNode(value)))
	}
}

func (m *mapping) addNode(key string, value *yaml.Node) {
	m.content = append(m.content, m.w.node(yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}), value)
}

func (m *mapping) node() *yaml.Node {
	return m.w.node(yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: m.content})
}

// valueNode is the node the encoder makes of a value: written directly for the scalars
// results propose most (one per item of a large list), encoded otherwise.
func valueNode(v any) (yaml.Node, error) {
	switch v := v.(type) {
	case string:
		return stringNode(v), nil
	case bool:
		return yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v)}, nil
	case int:
		return yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.Itoa(v)}, nil
	case int64:
		return yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatInt(v, 10)}, nil
	}
	var n yaml.Node
	err := n.Encode(v)
	return n, err
}

// stringNode styles a string as the encoder styles a Go string: multi-line strings as
// literal blocks, bytes that are not UTF-8 as base64, and YAML 1.1 booleans and sexagesimal numbers quoted (the writer quotes
// strings that YAML 1.2 would read as another type).
func stringNode(s string) yaml.Node {
	n := yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
	switch {
	case !utf8.ValidString(s):
		n.Tag, n.Value = "!!binary", base64.StdEncoding.EncodeToString([]byte(s))
	case strings.Contains(s, "\n"):
		n.Style = yaml.LiteralStyle
	case yaml1_1Bools[s] || strings.Contains(s, ":") && base60Number().MatchString(s):
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

var yaml1_1Bools = map[string]bool{"y": true, "Y": true, "yes": true, "Yes": true, "YES": true,
	"on": true, "On": true, "ON": true, "n": true, "N": true, "no": true, "No": true, "NO": true,
	"off": true, "Off": true, "OFF": true}

// base60Number is compiled when a result is first written, not at every start.
var base60Number = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`)
})

package krm

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// resultsNode builds the results field the way encoding framework.Results would, without
// reflection: a function may report one result per item of a large list.
func resultsNode(results framework.Results) (*yaml.Node, error) {
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
	for _, r := range results {
		n, err := resultNode(r)
		if err != nil {
			return nil, err
		}
		seq.Content = append(seq.Content, n)
	}
	return seq, nil
}

func resultNode(r *framework.Result) (*yaml.Node, error) {
	m := &mapping{}
	m.add("message", r.Message)
	m.add("severity", string(r.Severity))
	if ref := r.ResourceRef; ref != nil {
		refs := &mapping{}
		refs.add("apiVersion", ref.APIVersion)
		refs.add("kind", ref.Kind)
		refs.add("name", ref.Name)
		refs.add("namespace", ref.Namespace)
		m.addNode("resourceRef", refs.node())
	}
	if f := r.Field; f != nil {
		field := &mapping{}
		field.add("path", f.Path)
		for _, v := range []struct {
			key   string
			value any
		}{{"currentValue", f.CurrentValue}, {"proposedValue", f.ProposedValue}} {
			if v.value == nil {
				continue
			}
			var n yaml.Node
			if err := n.Encode(v.value); err != nil {
				return nil, err
			}
			field.addNode(v.key, &n)
		}
		m.addNode("field", field.node())
	}
	if f := r.File; f != nil {
		file := &mapping{}
		file.add("path", f.Path)
		if f.Index != 0 {
			file.addNode("index", &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.Itoa(f.Index)})
		}
		m.addNode("file", file.node())
	}
	if len(r.Tags) > 0 {
		var tags yaml.Node
		if err := tags.Encode(r.Tags); err != nil {
			return nil, err
		}
		m.addNode("tags", &tags)
	}
	return m.node(), nil
}

// mapping collects the fields of a struct being encoded, leaving out empty ones as
// omitempty does.
type mapping struct{ content []*yaml.Node }

func (m *mapping) add(key, value string) {
	if value != "" {
		m.addNode(key, stringNode(value))
	}
}

func (m *mapping) addNode(key string, value *yaml.Node) {
	m.content = append(m.content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}, value)
}

func (m *mapping) node() *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap, Content: m.content}
}

// stringNode styles a string as the encoder styles a Go string: multi-line strings as
// literal blocks, bytes that are not UTF-8 as base64, and YAML 1.1 booleans and sexagesimal numbers quoted (the writer quotes
// strings that YAML 1.2 would read as another type).
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
	switch {
	case !utf8.ValidString(s):
		n.Tag, n.Value = "!!binary", base64.StdEncoding.EncodeToString([]byte(s))
	case strings.Contains(s, "\n"):
		n.Style = yaml.LiteralStyle
	case yaml1_1Bools[s] || base60Number().MatchString(s):
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

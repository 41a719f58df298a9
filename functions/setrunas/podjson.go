package setrunas

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// podJSON is template.MarshalJSON(), byte for byte, without its YAML round trip (encode,
// parse, decode to maps), which cost more than the Pod Security evaluation itself.
func podJSON(template *yaml.RNode) ([]byte, error) {
	w := jsonWriter{buf: make([]byte, 0, 4096)} // a typical pod template's JSON fits
	if w.value(template.YNode(), false) {
		return w.buf, nil
	}
	return template.MarshalJSON()
}

// jsonWriter writes the trees the parser and kyaml build: mappings with string keys,
// sequences, strings, decimal integers, booleans and nulls, with the keys sorted as
// encoding/json sorts a map's. It gives up on anything else (aliases, merge keys,
// duplicate keys, floats, timestamps, other tags), which MarshalJSON then handles.
type jsonWriter struct {
	buf []byte
	// keys holds the key indexes of the mappings being written, the innermost last.
	keys []int
}

// value writes n; flow tells that an enclosing collection is in flow style.
func (w *jsonWriter) value(n *yaml.Node, flow bool) bool {
	flow = flow || n.Style&yaml.FlowStyle != 0
	switch n.Kind {
	case yaml.MappingNode:
		return (n.Tag == "" || n.Tag == yaml.NodeTagMap) && w.mapping(n, flow)
	case yaml.SequenceNode:
		return (n.Tag == "" || n.Tag == yaml.NodeTagSeq) && w.sequence(n, flow)
	case yaml.ScalarNode:
		return w.scalar(n, flow)
	}
	return false
}

func (w *jsonWriter) mapping(n *yaml.Node, flow bool) bool {
	if len(n.Content)%2 != 0 {
		return false
	}
	start := len(w.keys)
	defer func() { w.keys = w.keys[:start] }()
	for i := 0; i < len(n.Content); i += 2 {
		if tagOf(n.Content[i]) != yaml.NodeTagString {
			return false
		}
		w.keys = append(w.keys, i)
	}
	end := len(w.keys)
	slices.SortFunc(w.keys[start:end], func(a, b int) int { return strings.Compare(n.Content[a].Value, n.Content[b].Value) })
	w.buf = append(w.buf, '{')
	for j := start; j < end; j++ {
		key := n.Content[w.keys[j]]
		if j > start {
			if key.Value == n.Content[w.keys[j-1]].Value {
				return false // the decoder rejects the mapping
			}
			w.buf = append(w.buf, ',')
		}
		if !w.str(key.Value) {
			return false
		}
		w.buf = append(w.buf, ':')
		if !w.value(n.Content[w.keys[j]+1], flow) {
			return false
		}
	}
	w.buf = append(w.buf, '}')
	return true
}

func (w *jsonWriter) sequence(n *yaml.Node, flow bool) bool {
	w.buf = append(w.buf, '[')
	for i, item := range n.Content {
		if i > 0 {
			w.buf = append(w.buf, ',')
		}
		if !w.value(item, flow) {
			return false
		}
	}
	w.buf = append(w.buf, ']')
	return true
}

func (w *jsonWriter) scalar(n *yaml.Node, flow bool) bool {
	v := n.Value
	switch tagOf(n) {
	case yaml.NodeTagString:
		return w.str(v)
	case yaml.NodeTagInt:
		if !decimal(v) {
			return false // hex, octal, 1_000, +1, or too long to be sure it fits
		}
		w.buf = append(w.buf, v...)
	case yaml.NodeTagBool:
		switch v {
		case "true", "True", "TRUE":
			w.buf = append(w.buf, "true"...)
		case "false", "False", "FALSE":
			w.buf = append(w.buf, "false"...)
		default:
			return false
		}
	case yaml.NodeTagNull:
		switch {
		case v == "" && flow:
			return false // the YAML round trip writes it as '', a string
		case v == "", v == "~", v == "null", v == "Null", v == "NULL":
			w.buf = append(w.buf, "null"...)
		default:
			return false
		}
	default:
		return false
	}
	return true
}

// tagOf is the tag the decoder resolves a scalar to, for the scalars the writer knows, or
// "". "<<" is left out: the YAML round trip can turn it into a merge key.
func tagOf(n *yaml.Node) string {
	if n.Kind != yaml.ScalarNode || n.Value == "<<" {
		return ""
	}
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
	switch {
	case n.Tag == yaml.NodeTagString:
		return n.Tag
	case quoted && n.Tag == "":
		return yaml.NodeTagString
	case quoted:
		return ""
	case n.Tag == "":
		return plainTag(n.Value)
	}
	return n.Tag
}

// plainTag resolves an untagged plain scalar (kyaml builds them: NewListRNode's items, say)
// as the decoder does: a boolean or null word, or else a string, unless it starts like a
// number (+ - . or a digit), which is left to the decoder.
func plainTag(v string) string {
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return yaml.NodeTagBool
	case "~", "null", "Null", "NULL":
		return yaml.NodeTagNull
	}
	if v != "" && !strings.ContainsRune("+-.0123456789", rune(v[0])) {
		return yaml.NodeTagString
	}
	return ""
}

// decimal tells an integer written as encoding/json writes it, short enough to fit int64.
func decimal(v string) bool {
	digits := strings.TrimPrefix(v, "-")
	if digits == "" || len(digits) > 18 || (digits[0] == '0' && v != "0") {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// str writes s as encoding/json does; it leaves invalid UTF-8, which the YAML encoder
// rejects or turns into !!binary, to MarshalJSON.
func (w *jsonWriter) str(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			if !utf8.ValidString(s) {
				return false
			}
			quoted, _ := json.Marshal(s) // a valid string always marshals
			w.buf = append(w.buf, quoted...)
			return true
		}
	}
	w.buf = append(append(append(w.buf, '"'), s...), '"')
	return true
}

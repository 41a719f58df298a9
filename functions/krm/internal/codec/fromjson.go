package codec

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fromJSON builds, from the compact JSON json.Marshal writes, the tree FromObject
// wants: yaml.Parse's tree (tags, values and positions as yaml.v3 gives them) after
// toBlockStyle. YAML's scanner goes through tokens, events and a buffer for every
// character; this is several times faster.
func fromJSON(data []byte) (*yaml.Node, error) {
	r := jsonReader{text: string(data)}
	root, err := r.value()
	if err != nil {
		return nil, err
	}
	if r.pos < len(r.text) {
		return nil, r.expected("the end of the JSON")
	}
	return &yaml.Node{Kind: yaml.DocumentNode, Line: 1, Column: 1, Content: []*yaml.Node{root}}, nil
}

type jsonReader struct {
	text  string // the JSON, converted once: values without escapes are substrings of it
	pos   int
	wide  int          // UTF-8 continuation bytes before pos, as yaml.v3 counts columns in characters
	stack []*yaml.Node // the children of the collections being read, shared to allocate less

	nonStrings map[string]bool // nonString's answers
}

func (r *jsonReader) value() (*yaml.Node, error) {
	if r.pos >= len(r.text) {
		return nil, r.expected("a value")
	}
	switch r.text[r.pos] {
	case '{':
		return r.collection(yaml.MappingNode, yaml.NodeTagMap, '}')
	case '[':
		return r.collection(yaml.SequenceNode, yaml.NodeTagSeq, ']')
	case '"':
		return r.str()
	case 't':
		return r.word("true", yaml.NodeTagBool)
	case 'f':
		return r.word("false", yaml.NodeTagBool)
	case 'n':
		return r.word("null", yaml.NodeTagNull)
	}
	return r.number()
}

func (r *jsonReader) collection(kind yaml.Kind, tag string, end byte) (*yaml.Node, error) {
	n := r.node(kind, tag, "", 0)
	r.pos++
	base := len(r.stack)
	for !r.skip(end) {
		if len(r.stack) > base && !r.skip(',') {
			return nil, r.expected(fmt.Sprintf("',' or '%c'", end))
		}
		if kind == yaml.MappingNode {
			if err := r.key(); err != nil {
				return nil, err
			}
		}
		v, err := r.value()
		if err != nil {
			return nil, err
		}
		r.stack = append(r.stack, v)
	}
	if len(r.stack) > base {
		n.Content = append([]*yaml.Node(nil), r.stack[base:]...)
	}
	r.stack = r.stack[:base]
	return n, nil
}

// key reads a mapping key and its colon onto the stack.
func (r *jsonReader) key() error {
	if r.pos >= len(r.text) || r.text[r.pos] != '"' {
		return r.expected("a string key")
	}
	k, err := r.str()
	if err != nil {
		return err
	}
	if !r.skip(':') {
		return r.expected("':'")
	}
	r.stack = append(r.stack, k)
	return nil
}

func (r *jsonReader) str() (*yaml.Node, error) {
	n := r.node(yaml.ScalarNode, yaml.NodeTagString, "", 0)
	start, escaped := r.pos, false
	for i := start + 1; i < len(r.text); i++ {
		switch c := r.text[i]; {
		case c == '"':
			r.pos = i + 1
			n.Value = r.text[start+1 : i]
			if escaped {
				if err := json.Unmarshal([]byte(r.text[start:r.pos]), &n.Value); err != nil {
					return nil, fmt.Errorf("the JSON string at byte %d: %w", start, err)
				}
			}
			n.Style = r.stringStyle(n.Value)
			return n, nil
		case c == '\\':
			escaped = true
			i++ // the escaped character, ASCII in JSON, cannot end the string
		case c&0xc0 == 0x80:
			r.wide++
		}
	}
	return nil, fmt.Errorf("the JSON string at byte %d has no closing quote", start)
}

func (r *jsonReader) word(w, tag string) (*yaml.Node, error) {
	if !strings.HasPrefix(r.text[r.pos:], w) {
		return nil, r.expected("a value")
	}
	n := r.node(yaml.ScalarNode, tag, w, 0)
	r.pos += len(w)
	return n, nil
}

func (r *jsonReader) number() (*yaml.Node, error) {
	end := r.pos
	for end < len(r.text) && strings.IndexByte("+-.0123456789Ee", r.text[end]) >= 0 {
		end++
	}
	if end == r.pos {
		return nil, r.expected("a value")
	}
	v := r.text[r.pos:end]
	n := r.node(yaml.ScalarNode, numberTag(v), v, 0)
	if n.Tag == yaml.NodeTagString {
		n.Style = r.stringStyle(v)
	}
	r.pos = end
	return n, nil
}

// numberTag resolves a JSON number as yaml.v3 does: an integer if it fits in 64 bits,
// else a float if it fits in a float64, else a string.
func numberTag(v string) string {
	if _, err := strconv.ParseInt(v, 10, 64); err == nil {
		return yaml.NodeTagInt
	}
	if _, err := strconv.ParseUint(v, 10, 64); err == nil {
		return yaml.NodeTagInt
	}
	if _, err := strconv.ParseFloat(v, 64); err == nil {
		return yaml.NodeTagFloat
	}
	return yaml.NodeTagString
}

// stringStyle is the style toBlockStyle gives a string: quoted if YAML 1.1 readers, the
// API server's among them, would read another type.
func (r *jsonReader) stringStyle(v string) yaml.Style {
	if r.nonString(v) {
		return yaml.DoubleQuotedStyle
	}
	return 0
}

// nonString is yaml.IsValueNonString, which runs a YAML 1.1 parser over the string and so
// costs more than all the rest of FromObject: it is answered without the parser for the
// names, paths and images objects are mostly made of, and once per object for the rest
// (a DaemonSet's containers repeat the same quantities and arguments).
func (r *jsonReader) nonString(v string) bool {
	switch {
	case yaml11Word(v):
		return true
	case plainName(v):
		return false
	}
	q, ok := r.nonStrings[v]
	if !ok {
		q = yaml.IsValueNonString(v)
		if r.nonStrings == nil {
			r.nonStrings = map[string]bool{}
		}
		r.nonStrings[v] = q
	}
	return q
}

// yaml11Word tells the words YAML 1.1 reads as booleans or null (yaml.v2's list).
func yaml11Word(v string) bool {
	switch v {
	case "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
		"false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL":
		return true
	}
	return false
}

// plainName tells a string YAML 1.1 reads as a plain string, other than the words: a
// letter or '/', then letters, digits and "-./:@_", with no ':' last (which would make
// it a mapping key).
func plainName(v string) bool {
	if v == "" || !isLetter(v[0]) && v[0] != '/' || v[len(v)-1] == ':' {
		return false
	}
	for i := 1; i < len(v); i++ {
		if c := v[i]; !isLetter(c) && (c < '0' || c > '9') && strings.IndexByte("-./:@_", c) < 0 {
			return false
		}
	}
	return true
}

// node starts a node at pos, where yaml.v3 puts it: line 1, column counted in characters.
func (r *jsonReader) node(kind yaml.Kind, tag, value string, style yaml.Style) *yaml.Node {
	return &yaml.Node{Kind: kind, Tag: tag, Value: value, Style: style, Line: 1, Column: r.pos - r.wide + 1}
}

func (r *jsonReader) skip(c byte) bool {
	if r.pos < len(r.text) && r.text[r.pos] == c {
		r.pos++
		return true
	}
	return false
}

func (r *jsonReader) expected(what string) error {
	if r.pos >= len(r.text) {
		return fmt.Errorf("the JSON ends at byte %d, where %s should be", r.pos, what)
	}
	return fmt.Errorf("JSON byte %d is %q, where %s should be", r.pos, r.text[r.pos], what)
}

package codec

import (
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// appendEntry appends item as a sequence entry at column 0, byte for byte as the YAML
// encoder (two-space indent, compact sequences) writes it, and reports whether it could.
// It covers what changed items are made of (block and flow collections, plain and quoted
// single-line strings, literal block scalars, integers, booleans, null) and declines the
// rest (comments, anchors, tags, folded scalars, strings whose quoting needs the
// encoder's rules), which the encoder then writes. The encoder spends most of its time
// on events and buffers; writing the common shapes directly makes changed items several
// times cheaper.
// TestEmitterMatchesEncoder and FuzzEmitter hold the two outputs equal.
func appendEntry(buf []byte, item *yaml.Node) ([]byte, bool) {
	if item.Kind != yaml.MappingNode || !plainCollection(item) || len(item.Content) == 0 || item.Style&yaml.FlowStyle != 0 {
		return buf, false
	}
	e := emitter{buf: append(buf, "- "...)}
	if !e.mappingBody(item, 2, true) {
		return buf, false
	}
	return e.buf, true
}

type emitter struct{ buf []byte }

// OneLine writes n on one line as the encoder writes it with every collection in flow
// style, for messages, and reports whether it could.
func OneLine(n *yaml.Node) (string, bool) {
	if !Fast {
		return "", false
	}
	return oneLine(n)
}

func oneLine(n *yaml.Node) (string, bool) {
	var e emitter
	if !e.inline(n) {
		return "", false
	}
	return string(e.buf), true
}

// mappingBody writes the pairs of a block mapping at column col; the first one on the
// current line when inline (after "- ").
func (e *emitter) mappingBody(n *yaml.Node, col int, inline bool) bool {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if i > 0 || !inline {
			e.indent(col)
		}
		key := n.Content[i]
		if key.Kind != yaml.ScalarNode || len(key.Value) > 100 || !e.scalar(key, false) {
			return false
		}
		e.buf = append(e.buf, ':')
		if !e.value(n.Content[i+1], col) {
			return false
		}
	}
	return true
}

// value writes a mapping value after "key:", whose key is at column col.
func (e *emitter) value(v *yaml.Node, col int) bool {
	switch {
	case asLiteral(v):
		e.buf = append(e.buf, ' ')
		e.literal(v.Value, col+2)
		return true
	case v.Kind == yaml.ScalarNode || inFlow(v):
		e.buf = append(e.buf, ' ')
		return e.endOfLine(v)
	case !plainCollection(v):
		return false
	case v.Kind == yaml.MappingNode:
		return e.newline() && e.mappingBody(v, col+2, false)
	case v.Kind == yaml.SequenceNode:
		return e.newline() && e.sequenceBody(v, col, false) // compact: dashes under the key
	}
	return false
}

// sequenceBody writes the entries of a block sequence with their dashes at column col.
func (e *emitter) sequenceBody(n *yaml.Node, col int, inline bool) bool {
	for i, c := range n.Content {
		if i > 0 || !inline {
			e.indent(col)
		}
		e.buf = append(e.buf, "- "...)
		switch {
		case asLiteral(c):
			e.literal(c.Value, col+2)
		case c.Kind == yaml.ScalarNode || inFlow(c):
			if !e.endOfLine(c) {
				return false
			}
		case !plainCollection(c):
			return false
		case c.Kind == yaml.MappingNode:
			if !e.mappingBody(c, col+2, true) {
				return false
			}
		case c.Kind == yaml.SequenceNode:
			if !e.sequenceBody(c, col+2, true) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// endOfLine writes a node that ends its line in block context: a scalar with its line
// comment, if it has one, after it, or a collection in flow style.
func (e *emitter) endOfLine(n *yaml.Node) bool {
	if n.LineComment == "" || n.Kind != yaml.ScalarNode {
		return e.inline(n) && e.newline()
	}
	if n.HeadComment != "" || n.FootComment != "" || !oneLineComment(n.LineComment) {
		return false
	}
	bare := *n
	bare.LineComment = ""
	if !e.scalar(&bare, false) {
		return false
	}
	e.buf = append(e.buf, ' ')
	e.buf = append(e.buf, n.LineComment...)
	return e.newline()
}

// oneLineComment is a comment the encoder writes as it is: "#" and printable ASCII.
func oneLineComment(c string) bool {
	if c[0] != '#' {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < 0x20 || c[i] > 0x7e {
			return false
		}
	}
	return true
}

// inline writes a scalar, or a collection in flow style ("{}" and "[]" when empty).
func (e *emitter) inline(n *yaml.Node) bool {
	if n.Kind == yaml.ScalarNode {
		return e.scalar(n, false)
	}
	return e.flow(n)
}

func (e *emitter) flow(n *yaml.Node) bool {
	if !plainCollection(n) {
		return false
	}
	open, close := byte('['), byte(']')
	if n.Kind == yaml.MappingNode {
		open, close = '{', '}'
	}
	e.buf = append(e.buf, open)
	for i, c := range n.Content {
		if i > 0 {
			if n.Kind == yaml.MappingNode && i%2 == 1 {
				e.buf = append(e.buf, ": "...)
			} else {
				e.buf = append(e.buf, ", "...)
			}
		}
		if c.Kind == yaml.ScalarNode {
			if !e.scalar(c, true) {
				return false
			}
		} else if n.Kind == yaml.MappingNode && i%2 == 0 || !e.flow(c) {
			return false
		}
	}
	e.buf = append(e.buf, close)
	return true
}

// scalar writes a single-line scalar the way the encoder would, or reports that it
// cannot tell how the encoder would write it.
func (e *emitter) scalar(n *yaml.Node, inFlow bool) bool {
	if n.Anchor != "" || hasComments(n) || n.Style&^(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		return false
	}
	v := n.Value
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return e.quoted(v, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		return e.quoted(v, '\'')
	}
	switch n.Tag {
	case yaml.NodeTagString, "":
		if n.Tag != "" {
			tag, ok := plainTag(v)
			if !ok {
				return false
			}
			if tag != yaml.NodeTagString {
				return e.quoted(v, '"') // the encoder quotes strings that would read back as another type
			}
		}
		plain, ok := plainStyle(v, inFlow)
		if !ok {
			return false
		}
		if !plain {
			e.singleQuoted(v)
			return true
		}
	case yaml.NodeTagInt:
		if !decimal(v) {
			return false
		}
	case yaml.NodeTagBool:
		if v != "true" && v != "false" {
			return false
		}
	case yaml.NodeTagNull:
		if v != "null" {
			return false
		}
	default:
		return false
	}
	e.buf = append(e.buf, v...)
	return true
}

// literal writes v as a literal block scalar with its lines at column col, as the
// encoder does: an indentation indicator (its indent, 2, at any depth) when the first
// line could not tell the indentation; "-" strips a value without a final break, "+"
// keeps the final breaks when they are all of v or more than one.
func (e *emitter) literal(v string, col int) {
	e.buf = append(e.buf, '|')
	if v[0] == ' ' || v[0] == '\n' {
		e.buf = append(e.buf, '2')
	}
	switch {
	case v[len(v)-1] != '\n':
		e.buf = append(e.buf, '-')
	case len(v) == 1 || v[len(v)-2] == '\n':
		e.buf = append(e.buf, '+')
	}
	e.buf = append(e.buf, '\n')
	for v != "" {
		line, rest, _ := strings.Cut(v, "\n")
		if line != "" { // blank lines are not indented
			e.indent(col)
			e.buf = append(e.buf, line...)
		}
		e.buf = append(e.buf, '\n')
		v = rest
	}
}

// singleQuoted writes printable ASCII v in single quotes, doubling the quotes in it.
func (e *emitter) singleQuoted(v string) {
	e.buf = append(e.buf, '\'')
	for i := 0; i < len(v); i++ {
		if v[i] == '\'' {
			e.buf = append(e.buf, '\'')
		}
		e.buf = append(e.buf, v[i])
	}
	e.buf = append(e.buf, '\'')
}

func (e *emitter) quoted(v string, quote byte) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x20 || c > 0x7e || c == quote || c == '\\' {
			return false
		}
	}
	e.buf = append(e.buf, quote)
	e.buf = append(e.buf, v...)
	e.buf = append(e.buf, quote)
	return true
}

func (e *emitter) indent(col int) {
	for i := 0; i < col; i++ {
		e.buf = append(e.buf, ' ')
	}
}

func (e *emitter) newline() bool {
	e.buf = append(e.buf, '\n')
	return true
}

// inFlow tells whether a collection is written on one line: flow style, or empty.
func inFlow(n *yaml.Node) bool {
	return (n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && (n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0)
}

// asLiteral tells whether the encoder writes n as a literal block scalar: a string in
// literal style, or in no style with a line break, that block style can hold.
func asLiteral(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.Anchor != "" || hasComments(n) || n.Tag != "" && n.Tag != yaml.NodeTagString {
		return false
	}
	switch n.Style {
	case yaml.LiteralStyle:
	case 0:
		if !strings.Contains(n.Value, "\n") {
			return false
		}
	default:
		return false
	}
	return blockAllowed(n.Value)
}

// blockAllowed tells whether the encoder keeps v in block style rather than quoting it:
// v is not empty, holds only characters it prints as they are (tabs among them; '\n'
// the only break) and no space at its end or before a break. Other breaks and
// characters it may print in block style are left to it.
func blockAllowed(v string) bool {
	if v == "" || v[len(v)-1] == ' ' {
		return false
	}
	for i, r := range v {
		switch {
		case r == '\n':
			if i > 0 && v[i-1] == ' ' {
				return false
			}
		case r == '\t' || r >= 0x20 && r <= 0x7e:
		case r >= 0xa0 && r <= 0xd7ff && r != 0x2028 && r != 0x2029:
		case r >= 0xe000 && r <= 0xfffd && r != 0xfeff && r != utf8.RuneError: // invalid UTF-8 is encoded as binary
		default:
			return false
		}
	}
	return true
}

// plainCollection is a mapping or sequence without anchor, tag or comments.
func plainCollection(n *yaml.Node) bool {
	switch {
	case n.Anchor != "" || hasComments(n) || n.Style&^yaml.FlowStyle != 0:
		return false
	case n.Kind == yaml.MappingNode:
		return n.Tag == "" || n.Tag == yaml.NodeTagMap
	case n.Kind == yaml.SequenceNode:
		return n.Tag == "" || n.Tag == yaml.NodeTagSeq
	}
	return false
}

func hasComments(n *yaml.Node) bool {
	return n.HeadComment != "" || n.LineComment != "" || n.FootComment != ""
}

// plainStyle tells how the encoder writes v when the style is its to choose: plain,
// or single-quoted where plain would read as structure. ok is false for what the
// emitter leaves to the encoder: the empty string and anything but printable ASCII.
func plainStyle(v string, inFlow bool) (plain, ok bool) {
	if v == "" {
		return false, false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false, false
		}
	}
	return v[0] != ' ' && v[len(v)-1] != ' ' && !indicated(v, inFlow), true
}

// indicated tells, as the encoder's scalar analysis does, whether v holds indicators
// that forbid writing it plain in block context (or, inFlow, in a flow collection).
func indicated(v string, inFlow bool) bool {
	if strings.HasPrefix(v, "---") || strings.HasPrefix(v, "...") {
		return true
	}
	for i := 0; i < len(v); i++ {
		spaceAfter := i+1 == len(v) || v[i+1] == ' '
		var flow, block bool
		switch c := v[i]; {
		case i == 0 && strings.IndexByte("#,[]{}&*!|>'\"%@`", c) >= 0:
			flow, block = true, true
		case i == 0 && (c == '?' || c == ':'):
			flow, block = true, spaceAfter
		case i == 0 && c == '-':
			flow, block = spaceAfter, spaceAfter
		case i > 0 && strings.IndexByte(",?[]{}", c) >= 0:
			flow = true
		case i > 0 && c == ':':
			flow, block = true, spaceAfter
		case i > 0 && c == '#':
			flow, block = v[i-1] == ' ', v[i-1] == ' '
		}
		if block || inFlow && flow {
			return true
		}
	}
	return false
}

func decimal(v string) bool {
	if v == "0" {
		return true
	}
	if v != "" && v[0] == '-' {
		v = v[1:]
	}
	if v == "" || v[0] == '0' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

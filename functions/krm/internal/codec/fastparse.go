package codec

import (
	"strings"
	"unicode/utf8"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// fastParse reads an item's entry text ("- " and its lines, the dash at column 0) into
// the tree yaml.v3 builds from it, for the block YAML that manifests are mostly made of:
// block mappings and sequences, one-line plain and quoted scalars, one-line flow
// collections, literal block scalars. It declines (ok false) everything else — comments,
// anchors, aliases, tags, escapes, folded or explicitly indented block scalars, scalars
// and flow collections spanning lines, empty values — which yaml.v3 then parses. line and
// col place the text in the input (its first line and the column of its dash, from 1
// and 0). It is several times faster than yaml.v3 and allocates a fraction of it: every
// value is a substring of one copy of the text, and nodes come in blocks.
// TestFastParseMatchesYAML and FuzzFastParse hold its trees equal to yaml.v3's.
func fastParse(entry []byte, line, col int) (*yaml.Node, bool) {
	p := &fastParser{src: string(entry), line: line, col: col}
	if !p.splitLines() || len(p.lines) == 0 || !p.isDash(0, 0) {
		return nil, false
	}
	at := p.skipSpaces(0, 1)
	if !p.isKey(0, at) {
		return nil, false
	}
	item, next, ok := p.mapping(0, at)
	if !ok || p.nextContent(next) < len(p.lines) {
		return nil, false
	}
	return item, true
}

type fastParser struct {
	src       string
	lines     []srcLine
	line, col int
	// nodes and contents are blocks that nodes and their Content are taken from;
	// stack holds the children of the collections being read.
	nodes    []yaml.Node
	contents []*yaml.Node
	stack    []*yaml.Node
}

// srcLine is one line of the text: its offsets without the line break, its indentation
// (-1 for a line of only spaces), and whether it is ASCII, where columns are offsets.
type srcLine struct {
	start, end, indent int
	ascii              bool
}

func (p *fastParser) splitLines() bool {
	p.lines = make([]srcLine, 0, strings.Count(p.src, "\n"))
	for off := 0; off < len(p.src); {
		end := strings.IndexByte(p.src[off:], '\n')
		if end < 0 {
			return false // dedent guarantees a final line break
		}
		text := p.src[off : off+end]
		if strings.ContainsAny(text, "\t\r") {
			return false
		}
		indent := len(text) - len(strings.TrimLeft(text, " "))
		if indent == len(text) {
			indent = -1
		}
		p.lines = append(p.lines, srcLine{off, off + end, indent, isASCII(text)})
		off += end + 1
	}
	return true
}

// text is line l from column c.
func (p *fastParser) text(l, c int) string {
	ln := p.lines[l]
	if ln.start+c >= ln.end {
		return ""
	}
	return p.src[ln.start+c : ln.end]
}

// newNode takes a node from the current block, placed at line l, column c of the text.
func (p *fastParser) newNode(kind yaml.Kind, tag string, l, c int) *yaml.Node {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]yaml.Node, 0, p.blockSize(p.nodes == nil))
	}
	p.nodes = append(p.nodes, yaml.Node{Kind: kind, Tag: tag, Line: p.line + l, Column: p.col + p.column(l, c) + 1})
	return &p.nodes[len(p.nodes)-1]
}

// column is the column of offset c in line l as yaml.v3 counts it, in characters.
func (p *fastParser) column(l, c int) int {
	if ln := p.lines[l]; !ln.ascii {
		return utf8.RuneCountInString(p.src[ln.start : ln.start+c])
	}
	return c
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// blockSize is the size of a block of nodes or Content: the first holds the whole text
// (a line holds a key and its value, and maybe the mapping an entry's dash starts; a
// flow collection two nodes an entry, and itself), the others, if the bound is off, are
// small.
func (p *fastParser) blockSize(first bool) int {
	if !first {
		return 16
	}
	s := p.src
	return 2*len(p.lines) + strings.Count(s, "- ") + 2*(strings.Count(s, ",")+strings.Count(s, "[")+strings.Count(s, "{")) + 1
}

// children ends a collection whose children are on the stack from start: they move to
// a Content of its own length, which an append then copies rather than overwriting the
// next collection's.
func (p *fastParser) children(start int) []*yaml.Node {
	n := len(p.stack) - start
	if cap(p.contents)-len(p.contents) < n {
		p.contents = make([]*yaml.Node, 0, max(n, p.blockSize(p.contents == nil)))
	}
	at := len(p.contents)
	p.contents = append(p.contents, p.stack[start:]...)
	p.stack = p.stack[:start]
	return p.contents[at : at+n : at+n]
}

func (p *fastParser) nextContent(l int) int {
	for l < len(p.lines) && p.lines[l].indent < 0 {
		l++
	}
	return l
}

func (p *fastParser) isDash(l, c int) bool {
	t := p.text(l, c)
	return len(t) >= 2 && t[0] == '-' && t[1] == ' '
}

func (p *fastParser) skipSpaces(l, c int) int {
	t := p.text(l, 0)
	for c < len(t) && t[c] == ' ' {
		c++
	}
	return c
}

// mapping reads a block mapping whose first key starts at line l, column c; its other
// keys are the lines indented to c. It returns the line after it.
func (p *fastParser) mapping(l, c int) (*yaml.Node, int, bool) {
	m := p.newNode(yaml.MappingNode, yaml.NodeTagMap, l, c)
	start := len(p.stack)
	for {
		key, colon, ok := p.key(l, c)
		if !ok {
			return nil, 0, false
		}
		value, next, ok := p.value(l, colon, c)
		if !ok {
			return nil, 0, false
		}
		p.stack = append(p.stack, key, value)
		l = p.nextContent(next)
		if l == len(p.lines) || p.lines[l].indent < c {
			m.Content = p.children(start)
			return m, l, true
		}
		if p.lines[l].indent > c || !p.isKey(l, c) {
			return nil, 0, false
		}
	}
}

// isKey tells whether a mapping key starts at line l, column c.
func (p *fastParser) isKey(l, c int) bool {
	_, _, ok := p.keyEnd(p.text(l, c))
	return ok
}

// keyEnd finds the key at the start of t: its end and the offset after its colon.
func (p *fastParser) keyEnd(t string) (end, after int, ok bool) {
	if t == "" {
		return 0, 0, false
	}
	if t[0] == '"' || t[0] == '\'' {
		if end = closeQuote(t, 0); end < 0 {
			return 0, 0, false
		}
		end++
		if rest := strings.TrimLeft(t[end:], " "); rest == "" || rest[0] != ':' || len(rest) > 1 && rest[1] != ' ' {
			return 0, 0, false
		}
		return end, strings.IndexByte(t[end:], ':') + end + 1, true
	}
	if !plainStarts(t) {
		return 0, 0, false
	}
	for i := 1; i < len(t); i++ {
		switch {
		case t[i] == '#' && t[i-1] == ' ':
			return 0, 0, false
		case t[i] == ':' && (i+1 == len(t) || t[i+1] == ' '):
			return len(strings.TrimRight(t[:i], " ")), i + 1, true
		}
	}
	return 0, 0, false
}

// key reads the key at line l, column c, and returns the column of its colon.
func (p *fastParser) key(l, c int) (*yaml.Node, int, bool) {
	t := p.text(l, c)
	end, after, ok := p.keyEnd(t)
	if !ok {
		return nil, 0, false
	}
	key, ok := p.scalar(t[:end], l, c, false)
	return key, c + after - 1, ok
}

// value reads a mapping value after the colon at column colon of line l, the key being
// at column keyCol, and returns the line after it.
func (p *fastParser) value(l, colon, keyCol int) (*yaml.Node, int, bool) {
	c := p.skipSpaces(l, colon+1)
	if p.text(l, c) != "" {
		return p.inline(l, c, keyCol)
	}
	next := p.nextContent(l + 1)
	switch {
	case next < len(p.lines) && p.lines[next].indent == keyCol && p.isDash(next, keyCol):
		return p.sequence(next, keyCol)
	case next < len(p.lines) && p.lines[next].indent > keyCol:
		return p.block(next, p.lines[next].indent)
	}
	// No value: null, placed right after the colon, as yaml.v3 places it.
	return p.newNode(yaml.ScalarNode, yaml.NodeTagNull, l, colon+1), l + 1, true
}

// block reads the collection on its own lines starting at line l, column c.
func (p *fastParser) block(l, c int) (*yaml.Node, int, bool) {
	if p.isDash(l, c) {
		return p.sequence(l, c)
	}
	if p.isKey(l, c) {
		return p.mapping(l, c)
	}
	return nil, 0, false
}

// sequence reads a block sequence whose dashes are at column c, from line l.
func (p *fastParser) sequence(l, c int) (*yaml.Node, int, bool) {
	s := p.newNode(yaml.SequenceNode, yaml.NodeTagSeq, l, c)
	start := len(p.stack)
	for l < len(p.lines) && p.lines[l].indent == c && p.isDash(l, c) {
		at := p.skipSpaces(l, c+1)
		var entry *yaml.Node
		var next int
		var ok bool
		switch t := p.text(l, at); {
		case t == "" || p.isDash(l, at):
			return nil, 0, false
		case p.isKey(l, at):
			entry, next, ok = p.mapping(l, at)
		default:
			entry, next, ok = p.inline(l, at, c)
		}
		if !ok {
			return nil, 0, false
		}
		p.stack = append(p.stack, entry)
		l = p.nextContent(next)
	}
	if l < len(p.lines) && p.lines[l].indent > c {
		return nil, 0, false
	}
	s.Content = p.children(start)
	return s, l, true
}

// inline reads a node that starts at line l, column c and ends on that line (or a
// literal block scalar), under a parent at column parent, and returns the line after it.
// A comment after it on the line is the node's line comment, as yaml.v3 reads it.
func (p *fastParser) inline(l, c, parent int) (*yaml.Node, int, bool) {
	t := p.text(l, c)
	var n *yaml.Node
	var rest string
	ok := false
	switch t[0] {
	case '|':
		return p.literal(l, c, parent)
	case '[', '{':
		n, rest, ok = p.flow(t, l, c)
	case '"', '\'':
		end := closeQuote(t, 0) + 1
		if end > 0 {
			n, ok = p.scalar(t[:end], l, c, false)
			rest = t[end:]
		}
	default:
		value, comment := cutComment(t)
		n, ok = p.scalar(strings.TrimRight(value, " "), l, c, false)
		rest = comment
	}
	if !ok || !p.lineComment(n, rest) {
		return nil, 0, false
	}
	// A line indented under the parent would continue the scalar.
	if next := p.nextContent(l + 1); next < len(p.lines) && p.lines[next].indent > parent {
		return nil, 0, false
	}
	return n, l + 1, true
}

// cutComment cuts a plain scalar's line at its comment (" #"), if any.
func cutComment(t string) (value, comment string) {
	if i := strings.Index(t, " #"); i >= 0 {
		return t[:i], t[i:]
	}
	return t, ""
}

// lineComment takes rest, what follows a node on its line: nothing, or spaces and a
// comment, which becomes the node's line comment.
func (p *fastParser) lineComment(n *yaml.Node, rest string) bool {
	comment := strings.TrimLeft(rest, " ")
	switch {
	case comment == "":
		return true
	case comment[0] != '#' || len(comment) == len(rest):
		return false
	}
	n.LineComment = comment
	return true
}

// scalar reads t, the whole text of a one-line scalar at line l, column c.
func (p *fastParser) scalar(t string, l, c int, inFlow bool) (*yaml.Node, bool) {
	if t == "" {
		return nil, false
	}
	n := p.newNode(yaml.ScalarNode, yaml.NodeTagString, l, c)
	switch t[0] {
	case '"':
		if closeQuote(t, 0) != len(t)-1 {
			return nil, false
		}
		value, ok := unescape(t[1 : len(t)-1])
		if !ok {
			return nil, false
		}
		n.Style, n.Value = yaml.DoubleQuotedStyle, value
	case '\'':
		if closeQuote(t, 0) != len(t)-1 {
			return nil, false
		}
		n.Style, n.Value = yaml.SingleQuotedStyle, t[1:len(t)-1]
		if strings.Contains(n.Value, "''") {
			n.Value = strings.ReplaceAll(n.Value, "''", "'")
		}
	default:
		if !plainScalar(t, inFlow) {
			return nil, false
		}
		tag, ok := plainTag(t)
		if !ok {
			return nil, false
		}
		n.Tag, n.Value = tag, t
	}
	return n, true
}

// literal reads a literal block scalar whose header ("|", "|-" or "|+") is at line l,
// column c, and whose content lines are indented more than parent.
func (p *fastParser) literal(l, c, parent int) (*yaml.Node, int, bool) {
	header, comment := cutComment(p.text(l, c))
	header = strings.TrimRight(header, " ")
	if header != "|" && header != "|-" && header != "|+" {
		return nil, 0, false
	}
	first := p.nextContent(l + 1)
	if first == len(p.lines) || p.lines[first].indent <= parent {
		return nil, 0, false // empty: yaml.v3's value depends on what follows
	}
	indent := p.lines[first].indent
	var b strings.Builder
	end := l + 1
	for ; end < len(p.lines); end++ {
		ln := p.lines[end]
		if ln.indent < 0 {
			if ln.end-ln.start > indent {
				return nil, 0, false // spaces beyond the indentation are content
			}
			b.WriteByte('\n')
			continue
		}
		if ln.indent < indent {
			break
		}
		b.WriteString(p.src[ln.start+indent : ln.end])
		b.WriteByte('\n')
	}
	if end < len(p.lines) && p.lines[end].indent > parent {
		return nil, 0, false
	}
	value := b.String()
	switch header {
	case "|":
		value = strings.TrimRight(value, "\n") + "\n"
	case "|-":
		value = strings.TrimRight(value, "\n")
	}
	n := p.newNode(yaml.ScalarNode, yaml.NodeTagString, l, c)
	n.Style, n.Value = yaml.LiteralStyle, value
	return n, end, p.lineComment(n, comment)
}

// flow reads a flow collection on one line, starting at t[0] (line l, column c), and
// returns the text after it.
func (p *fastParser) flow(t string, l, c int) (*yaml.Node, string, bool) {
	kind, tag, closing := yaml.SequenceNode, yaml.NodeTagSeq, byte(']')
	if t[0] == '{' {
		kind, tag, closing = yaml.MappingNode, yaml.NodeTagMap, '}'
	}
	n := p.newNode(kind, tag, l, c)
	n.Style = yaml.FlowStyle
	start := len(p.stack)
	rest, at := t[1:], c+1
	for {
		skipped := strings.TrimLeft(rest, " ")
		at += len(rest) - len(skipped)
		rest = skipped
		if rest == "" {
			return nil, "", false
		}
		if rest[0] == closing && len(p.stack) == start {
			return n, rest[1:], true
		}
		var ok bool
		if rest, at, ok = p.flowEntry(n, rest, l, at); !ok {
			return nil, "", false
		}
		switch {
		case strings.HasPrefix(rest, ", "):
			rest, at = rest[1:], at+1
		case rest != "" && rest[0] == closing:
			n.Content = p.children(start)
			return n, rest[1:], true
		default:
			return nil, "", false
		}
	}
}

// flowEntry reads one entry of the flow collection n (a key: value pair in a mapping)
// from t at column at, and returns the text and column after it.
func (p *fastParser) flowEntry(n *yaml.Node, t string, l, at int) (string, int, bool) {
	if n.Kind == yaml.MappingNode {
		key, rest, ok := p.flowScalar(t, l, at)
		if !ok || !strings.HasPrefix(rest, ": ") {
			return "", 0, false
		}
		at += len(t) - len(rest) + 2
		t = strings.TrimLeft(rest[2:], " ")
		at += len(rest) - 2 - len(t)
		p.stack = append(p.stack, key)
	}
	var entry *yaml.Node
	var rest string
	var ok bool
	if t != "" && (t[0] == '[' || t[0] == '{') {
		entry, rest, ok = p.flow(t, l, at)
	} else {
		entry, rest, ok = p.flowScalar(t, l, at)
	}
	if !ok {
		return "", 0, false
	}
	p.stack = append(p.stack, entry)
	return rest, at + len(t) - len(rest), true
}

// flowScalar reads a scalar inside a flow collection from the start of t.
func (p *fastParser) flowScalar(t string, l, at int) (*yaml.Node, string, bool) {
	end := 0
	if t != "" && (t[0] == '"' || t[0] == '\'') {
		if end = closeQuote(t, 0); end < 0 {
			return nil, "", false
		}
		end++
	} else {
		end = plainEndInFlow(t)
	}
	n, ok := p.scalar(t[:end], l, at, true)
	return n, strings.TrimLeft(t[end:], " "), ok
}

// plainEndInFlow is where a plain scalar at the start of t ends inside a flow
// collection, by yaml.v3's scanner rules.
func plainEndInFlow(t string) int {
	end := len(t)
	for i := 0; i < len(t); i++ {
		c := t[i]
		if strings.IndexByte(",?[]{}", c) >= 0 || c == ':' && (i+1 == len(t) || t[i+1] == ' ') ||
			c == '#' && i > 0 && t[i-1] == ' ' {
			end = i
			break
		}
	}
	return len(strings.TrimRight(t[:end], " "))
}

// unescape decodes a double-quoted scalar's escapes: the common ones; it declines the
// others, which yaml.v3 then reads.
func unescape(quoted string) (string, bool) {
	if !strings.ContainsAny(quoted, "\\\"") {
		return quoted, true
	}
	var b strings.Builder
	for i := 0; i < len(quoted); i++ {
		c := quoted[i]
		if c == '"' || c == '\\' && i+1 == len(quoted) {
			return "", false
		}
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		switch quoted[i] {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case '"', '\\', '/':
			b.WriteByte(quoted[i])
		default:
			return "", false
		}
	}
	return b.String(), true
}

// plainStarts tells whether t can start a plain scalar that is not an indicator this
// parser leaves to yaml.v3.
func plainStarts(t string) bool {
	switch t[0] {
	case '-', '?', ':':
		return len(t) > 1 && t[1] != ' '
	case ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// plainScalar tells whether t, trimmed, is one plain scalar.
func plainScalar(t string, inFlow bool) bool {
	if !plainStarts(t) || strings.HasSuffix(t, ":") {
		return false
	}
	for i := 1; i < len(t); i++ {
		switch c := t[i]; {
		case c == ':' && t[i+1] == ' ', c == '#' && t[i-1] == ' ':
			return false
		case inFlow && strings.IndexByte(",?[]{}", c) >= 0:
			return false
		}
	}
	return true
}

// plainTag is the tag yaml.v3 resolves a plain scalar to. It decides the common cases
// itself, as yaml.v3's resolver does by the first character, and asks yaml.v3 about the
// rest (numbers, timestamps, special floats).
func plainTag(v string) (string, bool) {
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return yaml.NodeTagBool, true
	case "", "~", "null", "Null", "NULL":
		return yaml.NodeTagNull, true
	case "<<":
		return "", false
	}
	switch c := v[0]; {
	case c == '.':
		return resolvedTag(v)
	case c == '+' || c == '-':
		if len(v) > 1 && isLetter(v[1]) {
			return yaml.NodeTagString, true
		}
		return resolvedTag(v)
	case c < '0' || c > '9':
		return yaml.NodeTagString, true // by yaml.v3's first-character rules: not in its map
	case c != '0' && len(v) < 19 && isDigits(v):
		return yaml.NodeTagInt, true
	case strings.IndexFunc(v, func(r rune) bool { return !strings.ContainsRune(numberChars, r) }) >= 0:
		return yaml.NodeTagString, true // "128Mi", "1.0.0-rc": no number or timestamp
	}
	return resolvedTag(v)
}

// numberChars are the characters of the numbers and timestamps yaml.v3 reads.
const numberChars = "0123456789abcdefABCDEFxXoOpP_+-.:tTzZ "

// resolvedTag asks yaml.v3 for the tag of the plain scalar v.
func resolvedTag(v string) (string, bool) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(v), &doc); err != nil || len(doc.Content) != 1 {
		return "", false
	}
	n := doc.Content[0]
	if n.Kind != yaml.ScalarNode || n.Style != 0 || n.Value != v {
		return "", false
	}
	return n.Tag, true
}

func isDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

package codec

import (
	"bytes"
	"hash/maphash"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// An item whose tree still has the fingerprint it had when parsed is written as its
// original text, so items a function did not change keep their exact bytes, comments and
// spacing included (the YAML encoder would normalise them).

// RawEntries cuts out of data the text of every entry of the block-style sequence
// items (a field of the document root) as a sequence entry at column 0, for writing
// unchanged items as they came. An entry whose text cannot be cut out cleanly is nil: it
// is then encoded when written.
func RawEntries(data []byte, root, items *yaml.Node) [][]byte {
	lines := splitLines(data)
	seq := items.Content
	starts := make([]int, len(seq))
	for i, item := range seq {
		floor := 0
		if i > 0 {
			floor = seq[i-1].Line
		}
		starts[i] = withCommentsAbove(lines, dashLine(lines, item.Line-1, floor, item.Column-3), floor, item.Column-3)
	}
	texts := make([][]byte, len(seq))
	for i, item := range seq {
		last := len(lines) - 1
		if i+1 < len(seq) {
			last = starts[i+1] - 1
		} else if next := nextLineAfter(root, item.Line); next > 0 {
			last = next - 2
		}
		if text, ok := entryText(lines, starts[i], last, item.Column-3); ok {
			texts[i] = text
		}
	}
	return texts
}

// dashLine finds the line of an entry's dash: the line of its first key, or above it
// when comments stand between the dash and the key. It returns -1 if there is none.
func dashLine(lines [][]byte, keyLine, floor, dash int) int {
	for l := keyLine; l >= floor && l >= 0 && l < len(lines); l-- {
		line := lines[l]
		if dash >= 0 && len(line) > dash && isSpaces(line[:dash]) && line[dash] == '-' &&
			(len(line) == dash+1 || line[dash+1] == ' ' || line[dash+1] == '\n') {
			return l
		}
	}
	return -1
}

// withCommentsAbove extends an entry upwards over the comment lines right above its
// dash, which the parser attaches to the entry, not to the one before it.
func withCommentsAbove(lines [][]byte, start, floor, dash int) int {
	if start < 0 {
		return start
	}
	for l := start - 1; l >= floor && l > 0; l-- {
		trimmed := bytes.TrimLeft(lines[l], " ")
		if len(trimmed) == 0 || trimmed[0] != '#' || len(lines[l])-len(trimmed) > dash {
			break
		}
		start = l
	}
	return start
}

// entryText cuts out lines first..last of a sequence entry whose dash is at column
// dash (0-based), without the sequence's indentation. It refuses entries it cannot cut
// out exactly: another entry or key on the same lines, or text left of the dash.
func entryText(lines [][]byte, first, last, dash int) ([]byte, bool) {
	if dash < 0 || first < 0 || last < first || last >= len(lines) {
		return nil, false
	}
	var b bytes.Buffer
	for _, line := range lines[first : last+1] {
		trimmed := bytes.TrimLeft(line, " ")
		switch {
		case len(trimmed) == 0 || trimmed[0] == '\n':
			if len(line)-len(trimmed) < dash {
				b.WriteString("\n")
			} else {
				b.Write(line[dash:]) // spaces beyond the dash are kept: in a block scalar they can be content
			}
		case len(line)-len(trimmed) < dash+1 && line[0] != '-' && trimmed[0] != '#':
			return nil, false
		case len(line)-len(trimmed) < dash:
			b.Write(trimmed)
		default:
			b.Write(line[dash:])
		}
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
		// The input ends without a newline: adding one could change a block scalar's value.
		return nil, false
	}
	return b.Bytes(), true
}

// nextLineAfter is the line of the first top-level key after line, or 0.
func nextLineAfter(root *yaml.Node, line int) int {
	next := 0
	for i := 0; i < len(root.Content); i += 2 {
		if l := root.Content[i].Line; l > line && (next == 0 || l < next) {
			next = l
		}
	}
	return next
}

func splitLines(data []byte) [][]byte {
	var lines [][]byte
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n') + 1
		if end == 0 {
			end = len(data)
		}
		lines = append(lines, data[:end])
		data = data[end:]
	}
	return lines
}

func isSpaces(b []byte) bool { return len(bytes.TrimLeft(b, " ")) == 0 }

// fingerprint hashes everything about a tree that the encoder writes. It runs over
// every node of the list at least twice, so it hashes each string with maphash (the
// runtime's own hash) and combines words, not bytes.
func Fingerprint(n *yaml.Node) uint64 {
	return fingerprintNode(0, n)
}

// fingerprintSeed is per process: fingerprints are only compared within a run.
var fingerprintSeed = maphash.MakeSeed()

func fingerprintNode(h uint64, n *yaml.Node) uint64 {
	h = mix(h, uint64(n.Kind)|uint64(n.Style)<<32)
	for _, s := range [...]string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		h = mixString(h, s)
	}
	if n.Alias != nil {
		h = mixString(h, n.Alias.Anchor)
	}
	h = mix(h, uint64(len(n.Content)))
	for _, c := range n.Content {
		h = fingerprintNode(h, c)
	}
	return h
}

func mixString(h uint64, s string) uint64 {
	if s == "" {
		return mix(h, 0)
	}
	return mix(h, maphash.String(fingerprintSeed, s)|1) // |1: never the empty string's 0
}

// mix folds v into h, one step of a splitmix64-style chain: each step is a bijection
// of h for a given v, so trees that differ in one word differ in their fingerprint.
func mix(h, v uint64) uint64 {
	h = (h ^ v) * 0xbf58476d1ce4e5b9
	return h ^ h>>31
}

package codec

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec/codectest"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestEmitterMatchesEncoder writes trees both ways: wherever the emitter takes a tree,
// its bytes must be the encoder's.
func TestEmitterMatchesEncoder(t *testing.T) {
	t.Run("files", testEmitterOnFiles)
	t.Run("literals", testEmitterOnLiterals)
	t.Run("literal nodes", testEmitterOnLiteralNodes)
	t.Run("arguments", testEmitterOnArguments)
	t.Run("one line", testOneLineOnFiles)
}

// testEmitterOnFiles writes every mapping of every YAML file in the repository's test
// data and examples. It also requires the emitter to take most, or it would not help.
func testEmitterOnFiles(t *testing.T) {
	taken, all := takenOnFiles(t, walk, checkEmitter)
	t.Logf("the emitter wrote %d of %d mappings", taken, all)
	require.Greater(t, taken*2, all, "the emitter declines most mappings")
}

// testOneLineOnFiles writes every node of every YAML file on one line both ways.
func testOneLineOnFiles(t *testing.T) {
	taken, all := takenOnFiles(t, eachNode, checkOneLine)
	t.Logf("OneLine wrote %d of %d nodes", taken, all)
	require.Greater(t, taken*2, all, "OneLine declines most nodes")
}

// takenOnFiles runs check on the nodes visit picks in every YAML file of the repository
// and counts those it took.
func takenOnFiles(t *testing.T, visit func(*yaml.Node, func(*yaml.Node)),
	check func(*testing.T, *yaml.Node, string) bool) (taken, all int) {
	for _, path := range codectest.Corpus(t) {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		nodes, err := kio.FromBytes(data)
		if err != nil {
			continue // fuzz crashers and deliberately broken inputs
		}
		for _, n := range nodes {
			visit(n.YNode(), func(v *yaml.Node) {
				all++
				if check(t, v, path) {
					taken++
				}
			})
		}
	}
	return taken, all
}

// literalValues are strings in literal style or, holding a break, in none: the emitter
// writes them (taken) or leaves them to the encoder, which quotes most of those.
var literalValues = []struct {
	name, value string
	style       yaml.Style
	taken       bool
}{
	{"clip", "set -eu\nexec app \"$@\"\n", yaml.LiteralStyle, true},
	{"strip", "set -eu\nexec app", yaml.LiteralStyle, true},
	{"keep", "set -eu\n\n", yaml.LiteralStyle, true},
	{"keep three", "a\n\n\n", yaml.LiteralStyle, true},
	{"one line", "exec app", yaml.LiteralStyle, true},
	{"one break", "\n", yaml.LiteralStyle, true},
	{"breaks", "\n\n", yaml.LiteralStyle, true},
	{"leading spaces", "  indented\nnot\n", yaml.LiteralStyle, true},
	{"leading break", "\nafter a blank line\n", yaml.LiteralStyle, true},
	{"blank lines inside", "a\n\n\nb\n", yaml.LiteralStyle, true},
	{"indented lines", "server:\n  port: 8080\n- [a, b] # c\n", yaml.LiteralStyle, true},
	{"document markers", "---\n...\n", yaml.LiteralStyle, true},
	{"indicators", "#!/bin/sh\n|>&*!%@`'\"{[\n", yaml.LiteralStyle, true},
	{"tabs", "\tif x; then\n\t\ty\tz\nfi\t", yaml.LiteralStyle, true},
	{"tab before a break", "a\t\nb\n", yaml.LiteralStyle, true},
	{"unicode", "h\u00e9llo \u00a0w\u00f6rld \u2603 \ue000\ufffc\n", yaml.LiteralStyle, true},
	{"no style", "a\nb\n", 0, true},
	{"no style, strip", "a\nb", 0, true},
	{"no style, keep", "a\n\n", 0, true},
	{"no style, leading space", " a\nb\n", 0, true},
	{"no style, looks like a number", "1\n", 0, true},
	{"empty", "", yaml.LiteralStyle, false},
	{"trailing space", "a\nb ", yaml.LiteralStyle, false},
	{"space before a break", "a \nb\n", yaml.LiteralStyle, false},
	{"line of spaces", "a\n  \nb\n", yaml.LiteralStyle, false},
	{"no style, space before a break", "a \nb", 0, false},
	{"carriage return", "a\r\nb\n", yaml.LiteralStyle, false},
	{"control character", "a\x01b\n", yaml.LiteralStyle, false},
	{"delete", "a\x7fb\n", yaml.LiteralStyle, false},
	{"next line", "a\u0085b\n", yaml.LiteralStyle, false},
	{"byte order mark", "\ufeffa\n", yaml.LiteralStyle, false},
	{"noncharacter", "a\uffffb\n", yaml.LiteralStyle, false},
	{"astral plane", "a \U0001F642\n", yaml.LiteralStyle, false},
	{"invalid UTF-8", "a\xffb\n", yaml.LiteralStyle, false},
	// The encoder writes this one in block style, breaking the line; left to it.
	{"line separator", "a\u2028b\n", yaml.LiteralStyle, false},
}

// literalPlaces hold X where a value goes: block mapping values and sequence entries, at
// several depths, take literals; flow collections and keys never do.
var literalPlaces = []struct {
	doc   string
	block bool
}{
	{"a: X\nb: c\n", true},
	{"a: b\nc: X\n", true},
	{"a:\n  b:\n    c: X\n    d: [e]\n  f: g\nh: i\n", true},
	{"a:\n- X\n- X\n- b\n", true},
	{"a:\n- b: X\n  c:\n  - - X\n    - d\n  - e:\n    - X\n  f: g\n", true},
	{"a: [X]\n", false},
	{"a: {b: X}\n", false},
	{"a:\n- [b, X]\n", false},
	{"X: a\n", false},
}

// testEmitterOnLiterals puts every literal value in every place, tagged as a string (as
// parsed), untagged (as built) and tagged otherwise, which the encoder may write.
func testEmitterOnLiterals(t *testing.T) {
	for _, v := range literalValues {
		for _, p := range literalPlaces {
			for _, tag := range []string{yaml.NodeTagString, "", yaml.NodeTagInt, "!t"} {
				var doc yaml.Node
				require.NoError(t, yaml.Unmarshal([]byte(p.doc), &doc))
				for _, x := range scalarsIn(&doc, func(n *yaml.Node) bool { return n.Value == "X" }) {
					x.Value, x.Style, x.Tag = v.value, v.style, tag
				}
				where := v.name + " tagged " + tag + " in " + p.doc
				taken := v.taken && p.block && (tag == yaml.NodeTagString || tag == "")
				require.Equal(t, taken, checkEmitter(t, doc.Content[0], where), "%s: taken", where)
			}
		}
	}
}

// testEmitterOnLiteralNodes: literals as parsed, with the anchors, comments, tags and
// folding that the emitter leaves to the encoder.
func testEmitterOnLiteralNodes(t *testing.T) {
	for _, c := range []struct {
		doc   string
		taken bool
	}{
		{"a: |\n  b\n", true},
		{"a: !!str |\n  b\n", false}, // the encoder keeps a tag that was written
		{"a: &x |\n  b\n", false},
		{"a: | # c\n  b\n", false},
		{"# c\na: |\n  b\n", false},
		{"a: !!binary |\n  aGk=\n", false},
		{"a: !t |\n  b\n", false},
		{"a: >\n  folded\n", false},
	} {
		var doc yaml.Node
		require.NoError(t, yaml.Unmarshal([]byte(c.doc), &doc))
		require.Equal(t, c.taken, checkEmitter(t, doc.Content[0], c.doc), "%s: taken", c.doc)
	}
}

// testEmitterOnArguments: strings such as commands' arguments in block and flow places,
// tagged as parsed and untagged as built: options that start with '-' (the encoder
// quotes numbers and indicators) and empty strings, which it double-quotes when tagged.
func testEmitterOnArguments(t *testing.T) {
	for _, c := range []struct {
		value            string
		tagged, untagged bool // taken
	}{
		{"-c", true, true}, {"--port=8080", true, true}, {"--", true, true}, {"-e", true, true},
		{"-Inf", true, true}, {"--a=b#c", true, true}, {"", true, false}, {"~", true, true},
		{"-", false, true}, {"- x", false, true}, {"---", false, true}, {"---a", true, true},
		{"-1", true, true}, {"-.5", true, true}, {"-.inf", true, true}, {"-0x1", true, true},
		{"-_1", true, true}, {"-a: b", true, true}, {"it's: here", true, true}, {" lead", true, true}, {"6178b4f4bbdf5a95", true, true},
		{"2001-12-14", true, true}, {"0755", true, true}, {"1e3", true, true}, {"12", true, true},
	} {
		for _, tag := range []string{yaml.NodeTagString, ""} {
			var doc yaml.Node
			require.NoError(t, yaml.Unmarshal([]byte("a: X\nb:\n- X\n- [X, {c: X}]\n"), &doc))
			for _, x := range scalarsIn(&doc, func(n *yaml.Node) bool { return n.Value == "X" }) {
				x.Value, x.Tag = c.value, tag
			}
			taken := c.untagged
			if tag != "" {
				taken = c.tagged
			}
			require.Equal(t, taken, checkEmitter(t, doc.Content[0], c.value), "%q tagged %q: taken", c.value, tag)
		}
	}
}

// FuzzEmitter: for any YAML the emitter takes, it writes what the encoder writes.
func FuzzEmitter(f *testing.F) {
	f.Add([]byte("a: b\nc: [x, 'y', \"z\"]\nd: {e: 1, f: true}\ng:\n- h: null\n  i: []\n- - j\n  - k\n"))
	f.Add([]byte("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: a/b:1.0@sha256:abc\n        args: [--port=8080]\n"))
	f.Add([]byte("command:\n- sh\n- -c\n- |\n  set -eu\n\n  exec \"$0\"\n- |-\n    lead\n  x\n- |+\n  keep\n\n\nk:\n  v: |2\n\n     b\n  w: \"a\\nb\"\n  p: x\n\n    y\n"))
	f.Add([]byte("data:\n  a: \"\\nx\\n\\n\"\n  b: \"\\tc\\t\\nd \\ne\"\n  c: \"\\u00e9\\u2028\\x85\\r\\n\\ufeff\"\n  d: ['p\n\n  q', \"r\\n\"]\n"))
	f.Add([]byte("args:\n- \"\"\n- ''\n- -x\n- --y=1\n- [\"\", -z, ~]\nenv:\n- name: E\n  value: \"\"\n"))
	f.Add([]byte("metadata:\n  annotations:\n    owner: team-3 # who to ask\nitems:\n- key: start.sh\n  mode: 493 # 0755\n- 'x' #q\n- \"y\"   #\n- [a] # f\n- z #  two  spaces \nk: |  # c\n  v\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			return
		}
		walk(&doc, func(m *yaml.Node) { checkEmitter(t, m, "input") })
		eachNode(&doc, func(n *yaml.Node) { checkOneLine(t, n, "input") })
		// Quoted strings can hold any character: restyled to literal and then to no style,
		// they try the emitter on what block style can and cannot hold.
		quoted := scalarsIn(&doc, func(n *yaml.Node) bool { return n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 })
		for _, style := range []yaml.Style{yaml.LiteralStyle, 0} {
			for _, n := range quoted {
				n.Style = style
			}
			walk(&doc, func(m *yaml.Node) { checkEmitter(t, m, "restyled input") })
		}
	})
}

func checkEmitter(t *testing.T, m *yaml.Node, where string) bool {
	fast, ok := appendEntry(nil, m)
	if !ok {
		return false
	}
	body, err := encode(m)
	if err != nil {
		return false
	}
	var want strings.Builder
	want.WriteString("- ")
	for i, line := range strings.SplitAfter(string(body), "\n") {
		if i > 0 && len(line) > 1 {
			want.WriteString("  ")
		}
		want.WriteString(line)
	}
	require.Equal(t, want.String(), string(fast), "%s: the emitter and the encoder disagree", where)
	return true
}

// checkOneLine compares OneLine with the encoder writing a copy of n in flow style.
func checkOneLine(t *testing.T, n *yaml.Node, where string) bool {
	fast, ok := oneLine(n)
	if !ok {
		return false
	}
	c := yaml.CopyYNode(n)
	eachNode(c, func(v *yaml.Node) {
		if v.Kind != yaml.ScalarNode {
			v.Style = yaml.FlowStyle
		}
	})
	body, err := encode(c)
	require.NoError(t, err)
	require.Equal(t, strings.TrimSpace(string(body)), fast, "%s: OneLine and the encoder disagree", where)
	return true
}

// eachNode visits n and every node below it, documents and aliases aside.
func eachNode(n *yaml.Node, visit func(*yaml.Node)) {
	if n.Kind != yaml.DocumentNode && n.Kind != yaml.AliasNode {
		visit(n)
	}
	for _, c := range n.Content {
		eachNode(c, visit)
	}
}

// walk visits every mapping in n.
func walk(n *yaml.Node, visit func(*yaml.Node)) {
	eachNode(n, func(m *yaml.Node) {
		if m.Kind == yaml.MappingNode {
			visit(m)
		}
	})
}

func scalarsIn(n *yaml.Node, match func(*yaml.Node) bool) []*yaml.Node {
	var found []*yaml.Node
	if n.Kind == yaml.ScalarNode && match(n) {
		found = append(found, n)
	}
	for _, c := range n.Content {
		found = append(found, scalarsIn(c, match)...)
	}
	return found
}

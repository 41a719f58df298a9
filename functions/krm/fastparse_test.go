package krm

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/tests/bench/gen"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestFastParseMatchesYAML cuts every YAML stream of the repository into items, as
// ResourceLists at both indentations, and requires the fast parser's tree of each item it
// takes to equal yaml.v3's in every field. Most of these files are test inputs full of
// comments, which the fast parser leaves to yaml.v3; it must still take a quarter.
func TestFastParseMatchesYAML(t *testing.T) {
	var taken, all int
	eachWrappedList(t, func(data []byte) {
		lt, ok := splitList(data)
		if !ok {
			return
		}
		for _, it := range lt.items {
			all++
			if checkFastParse(t, it) {
				taken++
			}
		}
	})
	t.Logf("the fast parser took %d of %d items", taken, all)
	require.Greater(t, taken*4, all, "the fast parser declines too many items")
}

// TestFastParseTakesTheBenchmarkList: the generated list is what manifests usually look
// like; declining its items would make every function several times slower.
func TestFastParseTakesTheBenchmarkList(t *testing.T) {
	lt, ok := splitList(gen.List(100, nil))
	require.True(t, ok)
	for i, it := range lt.items {
		require.True(t, checkFastParse(t, it), "item %d declined:\n%s", i, it.entry)
	}
}

func FuzzFastParse(f *testing.F) {
	for _, seed := range []string{
		"- a: b\n  c: [x, \"y\", 'z''s']\n  d: {e: 1, f: [g]}\n",
		"- a:\n  - b: 1\n    c: |-\n      x\n\n      y\n  - 1.5\n  e: |+\n    z\n\n",
		"- a: 1 # \n  b: 'x'  #  y  \n  c: [z] #\n  d: |  # e \n    f\n",
		"- a: -1\n  b: 0x1F\n  c: 2001-12-14\n  d: .inf\n  e: ~\n  f: 0755\n  g: 1e3\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, entry []byte) {
		if !printable(entry) {
			return // splitList takes only printable input
		}
		checkFastParse(t, itemText{entry: entry, entryLine: 2})
	})
}

// checkFastParse requires fastParse's tree of an item, if it takes it, to be yaml.v3's.
func checkFastParse(t *testing.T, it itemText) bool {
	got, ok := fastParse(it.entry, it.entryLine, it.dash)
	if !ok {
		return false
	}
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(append([]byte("items:\n"), it.entry...))).Decode(&doc)
	require.NoError(t, err, "the fast parser took what yaml.v3 rejects:\n%s", it.entry)
	seq := doc.Content[0].Content[1]
	require.Len(t, seq.Content, 1, "%s", it.entry)
	want := seq.Content[0]
	shiftLines(want, it.entryLine-2)
	shiftColumns(want, it.dash)
	require.Equal(t, describeTree(want), describeTree(got), "%s", it.entry)
	return true
}

func shiftColumns(n *yaml.Node, by int) {
	n.Column += by
	for _, c := range n.Content {
		shiftColumns(c, by)
	}
}

// describeTree writes every field of a tree, one node a line.
func describeTree(n *yaml.Node) string {
	var b bytes.Buffer
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%*s%d %d %q %q anchor=%q alias=%v head=%q line=%q foot=%q at %d:%d\n", depth*2, "",
			n.Kind, n.Style, n.Tag, n.Value, n.Anchor, n.Alias != nil, n.HeadComment, n.LineComment, n.FootComment, n.Line, n.Column)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

package codec

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec/codectest"
	"github.com/unbake/unbake/tests/bench/gen"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestFastParseMatchesYAML cuts every YAML stream of the repository into items, as
// ResourceLists at both indentations, and requires the fast parser's tree of each item it
// takes to equal yaml.v3's in every field. Most of these files are test inputs full of
// comments, which the fast parser leaves to yaml.v3; it must still take a quarter.
func TestFastParseMatchesYAML(t *testing.T) {
	var taken, all int
	codectest.EachWrappedList(t, func(data []byte) {
		lt, ok := split(data)
		if !ok {
			return
		}
		for _, it := range lt.Items {
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
	lt, ok := split(gen.List(100, nil))
	require.True(t, ok)
	for i, it := range lt.Items {
		require.True(t, checkFastParse(t, it), "item %d declined:\n%s", i, it.Entry)
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
		checkFastParse(t, Text{Entry: entry, EntryLine: 2})
	})
}

// checkFastParse requires fastParse's tree of an item, if it takes it, to be yaml.v3's.
func checkFastParse(t *testing.T, it Text) bool {
	got, ok := fastParse(it.Entry, it.EntryLine, it.Dash)
	if !ok {
		return false
	}
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(append([]byte("items:\n"), it.Entry...))).Decode(&doc)
	require.NoError(t, err, "the fast parser took what yaml.v3 rejects:\n%s", it.Entry)
	seq := doc.Content[0].Content[1]
	require.Len(t, seq.Content, 1, "%s", it.Entry)
	want := seq.Content[0]
	shiftLines(want, it.EntryLine-2)
	shiftColumns(want, it.Dash)
	require.Equal(t, codectest.DescribeTree(want), codectest.DescribeTree(got), "%s", it.Entry)
	return true
}

func shiftColumns(n *yaml.Node, by int) {
	n.Column += by
	for _, c := range n.Content {
		shiftColumns(c, by)
	}
}

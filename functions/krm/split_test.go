package krm

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec"
	"github.com/unbake/unbake/functions/krm/internal/codec/codectest"
)

// TestSplitReadsWhatWholeReads wraps every YAML stream of the fixed corpus in ResourceLists
// of both indentations (and with comments between items), and requires the parallel
// reader to read each as the whole-document reader does, and to take most of those the
// latter reads.
func TestSplitReadsWhatWholeReads(t *testing.T) {
	if !codec.Fast {
		t.Skip("UNBAKE_CODEC=yaml.v3: every list is read whole")
	}
	var taken, all int
	codectest.EachWrappedList(t, func(data []byte) {
		if checkSplit(t, data) {
			taken++
		}
		if _, err := readWhole(data); err == nil {
			all++
		}
	})
	t.Logf("the parallel reader took %d of %d lists", taken, all)
	require.Greater(t, taken*10, all*8, "the parallel reader declines too many lists")
}

// FuzzSplit: whatever the parallel reader takes, the whole-document reader reads the
// same way; what the latter rejects, the former declines.
func FuzzSplit(f *testing.F) {
	f.Add([]byte(list))
	for _, data := range codectest.Wrapped([]byte("a: 1\nb: |\n  x\n---\n# c\nkind: K\nmetadata: {name: n}\n")) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSplit(t, data) })
}

func checkSplit(t *testing.T, data []byte) bool {
	split, ok := readSplit(data)
	if !ok {
		return false
	}
	splitItems, splitErr := split.Items()
	whole, err := readWhole(data)
	if splitErr != nil {
		require.Error(t, err, "the parallel reader rejects a list the whole reader takes:\n%s", data)
		require.Equal(t, err.Error(), splitErr.Error(), "the parallel reader explains a problem differently:\n%s", data)
		return false
	}
	require.NoError(t, err, "the parallel reader took a list the whole reader rejects:\n%s", data)
	require.Len(t, splitItems, whole.Len(), "%s", data)
	for i := range whole.entries {
		w, s := whole.entries[i].tree.YNode(), splitItems[i].YNode()
		require.Equal(t, codec.Fingerprint(w), codec.Fingerprint(s), "item %d differs:\n%s", i, data)
		require.Equal(t, w.Line, s.Line, "item %d line:\n%s", i, data)
		wantText, cut := whole.entries[i].unchangedText()
		gotText, _ := split.entries[i].unchangedText()
		if cut {
			require.Equal(t, string(wantText), string(gotText), "item %d text:\n%s", i, data)
		} else if gotText != nil { // the whole reader could not cut this one: its text must read back the same
			again, err := parseItem(i, codec.Text{Text: gotText, Line: 1}, false)
			require.NoError(t, err)
			require.Equal(t, codec.Fingerprint(w), codec.Fingerprint(again.YNode()), "item %d text:\n%s", i, gotText)
		}
	}
	require.Equal(t, whole.FunctionConfig == nil, split.FunctionConfig == nil)
	if whole.FunctionConfig != nil {
		require.Equal(t, codec.Fingerprint(whole.FunctionConfig.YNode()), codec.Fingerprint(split.FunctionConfig.YNode()))
	}
	return true
}

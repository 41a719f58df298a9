package krm

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSplitReadsWhatWholeReads wraps every YAML stream of the repository in ResourceLists
// of both indentations (and with comments between items), and requires the parallel
// reader to read each as the whole-document reader does, and to take most of those the
// latter reads.
func TestSplitReadsWhatWholeReads(t *testing.T) {
	var taken, all int
	eachWrappedList(t, func(data []byte) {
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
	for _, data := range wrapped([]byte("a: 1\nb: |\n  x\n---\n# c\nkind: K\nmetadata: {name: n}\n")) {
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
		require.Equal(t, fingerprint(w), fingerprint(s), "item %d differs:\n%s", i, data)
		require.Equal(t, w.Line, s.Line, "item %d line:\n%s", i, data)
		wantText, cut := whole.entries[i].unchangedText()
		gotText, _ := split.entries[i].unchangedText()
		if cut {
			require.Equal(t, string(wantText), string(gotText), "item %d text:\n%s", i, data)
		} else if gotText != nil { // the whole reader could not cut this one: its text must read back the same
			again, err := parseItem(i, itemText{text: gotText, line: 1}, false)
			require.NoError(t, err)
			require.Equal(t, fingerprint(w), fingerprint(again.YNode()), "item %d text:\n%s", i, gotText)
		}
	}
	require.Equal(t, whole.FunctionConfig == nil, split.FunctionConfig == nil)
	if whole.FunctionConfig != nil {
		require.Equal(t, fingerprint(whole.FunctionConfig.YNode()), fingerprint(split.FunctionConfig.YNode()))
	}
	return true
}

// eachWrappedList calls do with every YAML stream of the repository, wrapped.
func eachWrappedList(t *testing.T, do func(data []byte)) {
	for _, path := range yamlFiles(t, "../..") {
		stream, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, data := range wrapped(stream) {
			do(data)
		}
	}
}

// wrapped makes ResourceLists of a YAML stream: entries at column 0 and at column 2,
// with a comment above each entry, and a functionConfig after them.
func wrapped(stream []byte) [][]byte {
	var lists [][]byte
	for _, dash := range []string{"", "  "} {
		for _, comment := range []string{"", "# about the next item\n"} {
			var b bytes.Buffer
			b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
			for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
				doc = bytes.TrimPrefix(doc, []byte("---\n"))
				if len(bytes.TrimSpace(doc)) == 0 {
					continue
				}
				b.WriteString(dash + comment)
				lines := strings.SplitAfter(strings.TrimRight(string(doc), "\n")+"\n", "\n")
				for i, line := range lines {
					switch {
					case line == "":
					case i == 0:
						b.WriteString(dash + "- " + line)
					case line == "\n":
						b.WriteString(line)
					default:
						b.WriteString(dash + "  " + line)
					}
				}
			}
			b.WriteString("functionConfig:\n  kind: Config\n  metadata:\n    name: c\n")
			lists = append(lists, b.Bytes())
		}
	}
	return lists
}

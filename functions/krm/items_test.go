package krm

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// manyItems is a block-style list of n ConfigMaps, more than one window of Each.
func manyItems(n int) string {
	var b strings.Builder
	b.WriteString(header)
	for i := range n {
		fmt.Fprintf(&b, "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c%d # keep me\n  data:\n    k: 'v'\n", i)
	}
	return b.String()
}

// Each on a list read as text gives the same output as on a list held as trees.
func TestEachWritesWhatTreesWould(t *testing.T) {
	in := manyItems(2*writeWindow + 3)
	label := func(rl *ResourceList) error {
		return rl.Each(func(item *yaml.RNode) error {
			if strings.HasSuffix(item.GetName(), "7") {
				return item.PipeE(yaml.SetLabel("seven", "yes"))
			}
			return nil
		})
	}
	streamed := runText(t, in, label)
	held := runText(t, in, func(rl *ResourceList) error {
		_, err := rl.Items()
		require.NoError(t, err)
		return label(rl)
	})
	require.Equal(t, held, streamed)
	require.True(t, strings.Contains(streamed, "    name: c17 # keep me\n    labels:\n      seven: 'yes'\n"), "a changed item is written")
	require.True(t, strings.Contains(streamed, "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c18 # keep me\n  data:\n    k: 'v'\n"),
		"an untouched item keeps its bytes")
}

// A later Each sees what an earlier one changed, from the text it wrote.
func TestEachSeesEarlierChanges(t *testing.T) {
	rl, err := Read(strings.NewReader(manyItems(3)))
	require.NoError(t, err)
	require.NoError(t, rl.Each(func(item *yaml.RNode) error { return item.PipeE(yaml.SetLabel("pass", "one")) }))
	if codec.Fast {
		require.Nil(t, rl.entries[0].tree, "a visited item goes back to text")
	}
	var seen []string
	require.NoError(t, rl.Each(func(item *yaml.RNode) error {
		seen = append(seen, item.GetLabels()["pass"])
		return item.PipeE(yaml.SetLabel("pass", "two"))
	}))
	require.Equal(t, []string{"one", "one", "one"}, seen)
	var out bytes.Buffer
	require.NoError(t, Write(&out, rl))
	require.Equal(t, 3, strings.Count(out.String(), "pass: 'two'"), out.String())
}

// Trees that ItemsWith handed out are the items: changes to them after an Each are written.
func TestItemsWithKeepsTheTrees(t *testing.T) {
	in := header + "- {apiVersion: v1, kind: Service, metadata: {name: s}}\n" +
		"- {apiVersion: v1, kind: ConfigMap, metadata: {name: c}}\n" +
		"- {apiVersion: v1, kind: \"\\x53ervice\", metadata: {name: escaped}}\n"
	rl, err := Read(strings.NewReader(in))
	require.NoError(t, err)
	services, err := rl.ItemsWith("Service", func(item *yaml.RNode) bool { return item.GetKind() == "Service" })
	require.NoError(t, err)
	var names []string
	for _, s := range services {
		names = append(names, s.GetName())
	}
	require.Equal(t, []string{"s", "escaped"}, names, "the escaped kind is among them; the ConfigMap is not parsed")
	if codec.Fast {
		require.Nil(t, rl.entries[1].tree)
	}
	require.NoError(t, rl.Each(func(*yaml.RNode) error { return nil }))
	require.NoError(t, services[0].PipeE(yaml.SetLabel("edited", "after")))
	var out bytes.Buffer
	require.NoError(t, Write(&out, rl))
	require.Contains(t, out.String(), "name: s, labels: {edited: 'after'}")
}

// An error of the visit stops Each there: later items are not visited.
func TestEachStopsAtAnError(t *testing.T) {
	rl, err := Read(strings.NewReader(manyItems(5)))
	require.NoError(t, err)
	visited := 0
	err = rl.Each(func(item *yaml.RNode) error {
		visited++
		if item.GetName() == "c2" {
			return fmt.Errorf("stop")
		}
		return nil
	})
	require.EqualError(t, err, "stop")
	require.Equal(t, 3, visited)
}

func runText(t *testing.T, in string, process func(*ResourceList) error) string {
	t.Helper()
	var out, stderr bytes.Buffer
	require.Equal(t, 0, Run(process, strings.NewReader(in), &out, &stderr), stderr.String())
	return out.String()
}

// The checked build finds a tree changed after its visit, and an item a predicate picks
// that ItemsWith's search string misses.
func TestCheckedBuildFindsBrokenRules(t *testing.T) {
	if !checked {
		t.Skip("run with -tags unbakecheck")
	}
	rl, err := Read(strings.NewReader(manyItems(2)))
	require.NoError(t, err)
	var kept *yaml.RNode
	require.NoError(t, rl.Each(func(item *yaml.RNode) error { kept = item; return nil }))
	require.NoError(t, kept.PipeE(yaml.SetLabel("late", "edit")))
	require.ErrorContains(t, Write(io.Discard, rl), "was changed after Each visited it")

	rl, err = Read(strings.NewReader(manyItems(2)))
	require.NoError(t, err)
	_, err = rl.ItemsWith("Deployment", func(*yaml.RNode) bool { return true })
	require.ErrorContains(t, err, "but its predicate picks it")
}

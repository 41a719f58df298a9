package krm

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzReadWrite: whatever Read accepts with readable items, Write writes a list that
// reads back to the same items (but for quoting, which the encoder may add to a plain
// string such as a key ending in a colon), and writing that again gives the same bytes; so does
// writing the list after Each visited it.
func FuzzReadWrite(f *testing.F) {
	f.Add([]byte(list))
	f.Add([]byte(`{"apiVersion":"config.kubernetes.io/v1","kind":"ResourceList","items":[{"kind":"A","metadata":{"name":"x"}}]}`))
	f.Add([]byte("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- &a {kind: A}\n- *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rl, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		items, err := rl.Items()
		if err != nil {
			return
		}
		var first bytes.Buffer
		require.NoError(t, Write(&first, rl))
		again, err := Read(bytes.NewReader(first.Bytes()))
		require.NoError(t, err, "the written list does not read back:\n%s", first.String())
		againItems := itemsOf(t, again)
		require.Len(t, againItems, len(items))
		for i := range items {
			require.Equal(t, unstyledPrint(items[i].YNode()), unstyledPrint(againItems[i].YNode()),
				"item %d changed on a round trip:\n%s", i, first.String())
		}
		var second bytes.Buffer
		require.NoError(t, Write(&second, again))
		require.Equal(t, first.String(), second.String())

		visited, err := Read(bytes.NewReader(data))
		require.NoError(t, err)
		require.NoError(t, visited.Each(func(*yaml.RNode) error { return nil }))
		var third bytes.Buffer
		require.NoError(t, Write(&third, visited))
		require.Equal(t, first.String(), third.String(), "a visit changed the output")
	})
}

// unstyledPrint is the fingerprint of n as if every node had the default style.
func unstyledPrint(n *yaml.Node) uint64 {
	c := CopyNode(n)
	var plain func(*yaml.Node)
	plain = func(n *yaml.Node) {
		n.Style = 0
		for _, child := range n.Content {
			plain(child)
		}
	}
	plain(c)
	return codec.Fingerprint(c)
}

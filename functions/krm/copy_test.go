package krm

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec/codectest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestCopyNodeIsDeepAndIndependent: the copy equals kyaml's in every field, and
// changing or appending to either tree leaves the other as it was.
func TestCopyNodeIsDeepAndIndependent(t *testing.T) {
	var doc yaml.Node
	require.NoError(t, yaml.Unmarshal([]byte("a: [1, 2] # c\nb:\n  c: {}\n  d: []\n  e: |\n    x\n"), &doc))
	original := doc.Content[0]
	want := codectest.DescribeTree(yaml.CopyYNode(original))
	copied := CopyNode(original)
	require.Equal(t, want, codectest.DescribeTree(copied))

	copied.Content[1].Content = append(copied.Content[1].Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "3"})
	copied.Content[3].Content[3].Content = append(copied.Content[3].Content[3].Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "y"})
	copied.Content[0].Value = "changed"
	require.Equal(t, want, codectest.DescribeTree(original))
	require.Len(t, copied.Content[1].Content, 3)
	require.Equal(t, "c", copied.Content[3].Content[0].Value, "an append spilled into the next Content")
}

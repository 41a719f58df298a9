package krm

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestEmitterMatchesEncoder writes every mapping of every YAML file in the repository's
// test data and examples both ways: wherever the emitter takes a tree, its bytes must be
// the encoder's. It also requires the emitter to take most trees, or it would not help.
func TestEmitterMatchesEncoder(t *testing.T) {
	var taken, all int
	for _, path := range yamlFiles(t, "../..") {
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		nodes, err := kio.FromBytes(data)
		if err != nil {
			continue // fuzz crashers and deliberately broken inputs
		}
		for _, n := range nodes {
			walk(n.YNode(), func(m *yaml.Node) {
				all++
				if checkEmitter(t, m, path) {
					taken++
				}
			})
		}
	}
	t.Logf("the emitter wrote %d of %d mappings", taken, all)
	require.Greater(t, taken*2, all, "the emitter declines most mappings")
}

// FuzzEmitter: for any YAML the emitter takes, it writes what the encoder writes.
func FuzzEmitter(f *testing.F) {
	f.Add([]byte("a: b\nc: [x, 'y', \"z\"]\nd: {e: 1, f: true}\ng:\n- h: null\n  i: []\n- - j\n  - k\n"))
	f.Add([]byte("kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: a/b:1.0@sha256:abc\n        args: [--port=8080]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var doc yaml.Node
		if yaml.Unmarshal(data, &doc) != nil {
			return
		}
		walk(&doc, func(m *yaml.Node) { checkEmitter(t, m, "input") })
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

func walk(n *yaml.Node, visit func(*yaml.Node)) {
	if n.Kind == yaml.MappingNode {
		visit(n)
	}
	for _, c := range n.Content {
		walk(c, visit)
	}
}

func yamlFiles(t *testing.T, root string) []string {
	var files []string
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "bin" || d.Name() == ".tools") {
			return filepath.SkipDir
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	}))
	require.NotEmpty(t, files)
	return files
}

package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// goldenCase is one golden case of one function.
type goldenCase struct {
	fn             krm.Function
	name           string
	packageDir     string // where the function's tests run: config paths are relative to it
	config, input  []byte
	expectedOutput bool
}

// goldenCases lists every function's golden cases.
func goldenCases(t *testing.T) []goldenCase {
	t.Helper()
	var cases []goldenCase
	for _, fn := range Functions {
		mains, err := filepath.Glob(filepath.Join("..", "functions", "*", fn.Name, "main.go"))
		require.NoError(t, err)
		require.Len(t, mains, 1)
		dirs, err := filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(mains[0])), "testdata", "*", "input.yaml"))
		require.NoError(t, err)
		for _, input := range dirs {
			dir := filepath.Dir(input)
			packageDir, err := filepath.Abs(filepath.Dir(filepath.Dir(mains[0])))
			require.NoError(t, err)
			c := goldenCase{fn: fn, name: fn.Name + "/" + filepath.Base(dir), packageDir: packageDir}
			c.config, err = os.ReadFile(filepath.Join(dir, "config.yaml"))
			require.NoError(t, err)
			c.input, err = os.ReadFile(input)
			require.NoError(t, err)
			_, err = os.Stat(filepath.Join(dir, "expected.yaml"))
			c.expectedOutput = err == nil
			cases = append(cases, c)
		}
	}
	require.NotEmpty(t, cases)
	return cases
}

// No result, error or log line carries a Secret's data: a Secret with a marker value is
// added to every golden case of every function, failing cases included.
func TestNoResultRevealsSecretData(t *testing.T) {
	const marker = "c2VjcmV0LW1hcmtlcg" // what a Secret's value could be
	secret := "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  namespace: ml\n" +
		"type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: " + marker + "\n  htpasswd: " + marker + "\n" +
		"stringData:\n  password: " + marker + "\n"
	for _, c := range goldenCases(t) {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(c.packageDir)
			out := golden.Process(t, c.fn, c.config, append(append([]byte{}, c.input...), secret...))
			results := ""
			if out.Results != nil {
				results = out.Results.MustString()
			}
			require.NotContains(t, results, marker)
			require.NotContains(t, out.Stderr, marker)
		})
	}
}

// Items a function changes keep their comments and the order of their keys; the items it
// leaves alone keep their exact bytes (checked by the golden cases themselves).
func TestChangedItemsKeepCommentsAndKeyOrder(t *testing.T) {
	for _, c := range goldenCases(t) {
		if !c.expectedOutput {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(c.packageDir)
			out := golden.Process(t, c.fn, c.config, c.input)
			require.Equal(t, 0, out.Code, out.Stderr)
			written := map[string]*yaml.RNode{}
			for _, item := range out.Items {
				written[identity(item)] = item
			}
			for _, in := range readStream(t, c.input) {
				got, ok := written[identity(in)]
				if !ok {
					continue // replaced: an item an earlier run generated
				}
				for _, comment := range comments(in.YNode()) {
					if fileModeComment.MatchString(comment) {
						continue // scripts-to-configmap's own, replaced with the volume it annotates
					}
					require.Contains(t, comments(got.YNode()), comment, "%s lost a comment", identity(in))
				}
				requireKeyOrder(t, identity(in), in.YNode(), got.YNode())
			}
		})
	}
}

// requireKeyOrder checks that the keys of every mapping of want that are still in got
// come in the same order.
func requireKeyOrder(t *testing.T, where string, want, got *yaml.Node) {
	t.Helper()
	if want.Kind != got.Kind {
		return
	}
	switch want.Kind {
	case yaml.MappingNode:
		position := map[string]int{}
		for i := 0; i < len(got.Content); i += 2 {
			position[got.Content[i].Value] = i
		}
		last := -1
		for i := 0; i < len(want.Content); i += 2 {
			p, ok := position[want.Content[i].Value]
			if !ok {
				continue
			}
			require.Greater(t, p, last, "%s: key %q moved", where, want.Content[i].Value)
			last = p
			requireKeyOrder(t, where, want.Content[i+1], got.Content[p+1])
		}
	case yaml.SequenceNode:
		for i := range want.Content {
			if i < len(got.Content) {
				requireKeyOrder(t, where, want.Content[i], got.Content[i])
			}
		}
	}
}

var fileModeComment = regexp.MustCompile(`^# 0[0-7]{3}$`)

func comments(n *yaml.Node) []string {
	var all []string
	for _, c := range []string{n.HeadComment, n.LineComment, n.FootComment} {
		if c != "" {
			all = append(all, strings.TrimSpace(c))
		}
	}
	for _, child := range n.Content {
		all = append(all, comments(child)...)
	}
	return all
}

func readStream(t *testing.T, stream []byte) []*yaml.RNode {
	t.Helper()
	items, err := (&kio.ByteReader{Reader: strings.NewReader(string(stream)), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	return items
}

func identity(item *yaml.RNode) string {
	return item.GetApiVersion() + "/" + item.GetKind() + " " + item.GetNamespace() + "/" + item.GetName()
}

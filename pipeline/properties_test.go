package pipeline

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"slices"
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

// No result, error or log line carries what scripts-to-configmap puts into a Secret:
// every golden case of it runs again with secret: true and a marker line in every file,
// inline or read from a path (copies in a directory of their own), failing cases
// included. Neither the marker nor its base64 form, at any alignment, may show.
func TestNoResultRevealsSecretFileData(t *testing.T) {
	const marker = "unbake-secret-file-marker-5d1c"
	hidden := []string{marker}
	for k := range 3 { // base64 of the marker, whatever the bytes before it
		enc := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", k) + marker))
		hidden = append(hidden, enc[4:len(enc)-4])
	}
	secrets := 0
	for _, c := range goldenCases(t) {
		if c.fn.Name != "scripts-to-configmap" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			config, err := yaml.Parse(string(c.config))
			require.NoError(t, err)
			dir := t.TempDir()
			if spec := config.Field("spec"); spec != nil && spec.Value.YNode().Kind == yaml.MappingNode {
				require.NoError(t, spec.Value.PipeE(yaml.SetField("secret", yaml.NewRNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: "true"}))))
				for _, f := range workloadFiles(spec.Value) {
					if content := f.Field("content"); content != nil {
						content.Value.YNode().Value += "\n" + marker + "\n"
						content.Value.YNode().Style = yaml.DoubleQuotedStyle
					}
					if p := f.Field("path"); p != nil && filepath.IsLocal(p.Value.YNode().Value) {
						data, err := os.ReadFile(filepath.Join(c.packageDir, p.Value.YNode().Value))
						if err != nil {
							continue // the case's missing file stays missing
						}
						copied := filepath.Join(dir, p.Value.YNode().Value)
						require.NoError(t, os.MkdirAll(filepath.Dir(copied), 0o755))
						require.NoError(t, os.WriteFile(copied, append(data, "\n"+marker+"\n"...), 0o644))
					}
				}
			}
			t.Chdir(dir)
			out := golden.Process(t, c.fn, []byte(config.MustString()), c.input)
			results := ""
			if out.Results != nil {
				results = out.Results.MustString()
			}
			for _, h := range hidden {
				require.NotContains(t, results, h)
				require.NotContains(t, out.Stderr, h)
			}
			for _, item := range out.Items { // the marker did go into the Secret
				if item.GetKind() == "Secret" && krm.GeneratedBy(item) != "" {
					data := strings.Join(strings.Fields(item.Field("data").Value.MustString()), "")
					require.True(t, slices.ContainsFunc(hidden[1:], func(h string) bool { return strings.Contains(data, h) }),
						"the marker is not in the data of Secret %s", item.GetName())
					secrets++
				}
			}
		})
	}
	// Every case that generates anything generates a Secret here.
	require.GreaterOrEqual(t, secrets, 20)
}

// workloadFiles are the entries of spec.files.
func workloadFiles(spec *yaml.RNode) []*yaml.RNode {
	files := spec.Field("files")
	if files == nil || files.Value.YNode().Kind != yaml.SequenceNode {
		return nil
	}
	entries, _ := files.Value.Elements()
	return entries
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

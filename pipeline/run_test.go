package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestRunGolden(t *testing.T) { golden.Run(t, Run, "testdata") }

func FuzzRun(f *testing.F) { golden.Fuzz(f, Run, "testdata") }

// A pipeline writes what its steps write when each runs as a process of its own on the
// previous one's output, as kpt and kustomize run them: same bytes, same results.
func TestRunEqualsStepsOneByOne(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "*", "expected.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, cases)
	for _, expected := range cases {
		dir := filepath.Dir(expected)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			config := readFile(t, filepath.Join(dir, "config.yaml"))
			input := readFile(t, filepath.Join(dir, "input.yaml"))
			whole := golden.Process(t, Run, config, input)
			require.Zero(t, whole.Code, whole.Stderr)

			stream := string(input)
			var results []string
			for _, step := range steps(t, config) {
				fn, ok := ForKind(step.GetKind())
				require.True(t, ok, step.GetKind())
				out := golden.Process(t, fn, []byte(step.MustString()), []byte(stream))
				require.Zero(t, out.Code, out.Stderr)
				stream = out.Stream
				results = append(results, resultTexts(out.Results)...)
			}
			require.Equal(t, stream, whole.Stream)
			require.Equal(t, results, resultTexts(whole.Results))
		})
	}
}

// resultTexts are the results of a written ResourceList, one YAML text each.
func resultTexts(results *yaml.RNode) []string {
	if results == nil {
		return nil
	}
	texts := make([]string, 0, len(results.Content()))
	for _, r := range results.Content() {
		texts = append(texts, yaml.NewRNode(r).MustString())
	}
	return texts
}

func steps(t *testing.T, config []byte) []*yaml.RNode {
	t.Helper()
	node, err := yaml.Parse(string(config))
	require.NoError(t, err)
	list, err := node.Pipe(yaml.Lookup("spec", "steps"))
	require.NoError(t, err)
	elements, err := list.Elements()
	require.NoError(t, err)
	return elements
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

// Without a function name, the multi-call binary runs the function of the config's kind.
func TestByKind(t *testing.T) {
	input := string(readFile(t, filepath.Join("testdata", "steps-in-order", "input.yaml")))
	for name, c := range map[string]struct {
		config string
		code   int
		has    string
	}{
		"pipeline": {config: string(readFile(t, filepath.Join("testdata", "steps-in-order", "config.yaml"))),
			has: "kind: DaemonSet"},
		"one function": {config: "apiVersion: fn.unbake.dev/v1alpha1\nkind: InjectSidecar\nmetadata: {name: proxy}\n" +
			"spec: {containers: [{name: proxy, image: nginx:1.27.3-alpine}]}\n", has: "name: proxy"},
		"unknown kind": {config: "apiVersion: fn.unbake.dev/v1alpha1\nkind: Sidecar\nmetadata: {name: x}\n",
			code: 1, has: `kind "Sidecar" is not an unbake config kind: use one of [InjectSidecar`},
		"no config": {code: 1, has: `kind "" is not an unbake config kind`},
	} {
		t.Run(name, func(t *testing.T) {
			out := golden.Process(t, krm.Function{Name: "unbake", Process: ByKind}, []byte(c.config), []byte(input))
			require.Equal(t, c.code, out.Code, out.Stderr)
			require.Contains(t, out.Stream+out.Stderr, c.has)
		})
	}
}

func TestKindsHaveFunctions(t *testing.T) {
	for _, kind := range Kinds() {
		fn, ok := ForKind(kind)
		require.True(t, ok, kind)
		require.Equal(t, kind, fn.Kind)
	}
	require.Contains(t, Kinds(), "Pipeline")
	require.True(t, strings.Contains(Run.Help, "kind: Pipeline"))
	var out bytes.Buffer
	require.Zero(t, krm.Run(Run.Process, strings.NewReader("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"+
		"functionConfig: {apiVersion: fn.unbake.dev/v1alpha1, kind: Pipeline, metadata: {name: p}, spec: {steps: ["+
		"{apiVersion: fn.unbake.dev/v1alpha1, kind: PrepullDaemonSet, metadata: {name: pp, namespace: kube-system}, spec: {images: [nginx:1.27.3]}}]}}\n"),
		&out, &out))
	require.Contains(t, out.String(), "kind: DaemonSet")
}

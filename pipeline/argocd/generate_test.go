package argocd

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/pipeline"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// A kpt package renders without kpt to the objects of the example's expected.yaml (the
// e2e tests compare them in full, through argocd-cmp-server).
func TestGenerateKptfile(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join(examplesDir(t), "*"))
	require.NoError(t, err)
	for _, example := range examples {
		t.Run(filepath.Base(example), func(t *testing.T) {
			out, errOut, code := generate(t, copyDir(t, filepath.Join(example, "package")))
			require.Zero(t, code, errOut)
			expected, err := os.ReadFile(filepath.Join(example, "expected.yaml"))
			require.NoError(t, err)
			require.Equal(t, objectIDs(t, string(expected)), objectIDs(t, out))
		})
	}
}

func TestGeneratePipelineConfig(t *testing.T) {
	out, errOut, code := generate(t, writeApp(t, map[string]string{"deploy.yaml": deployment, "pipeline.yaml": pipelineConfig}))
	require.Zero(t, code, errOut)
	require.Equal(t, []string{"Deployment app"}, objectIDs(t, out))
	require.Contains(t, out, "runAsUser: 1000")

	out, errOut, code = generate(t, writeApp(t, map[string]string{"deploy.yaml": deployment,
		"a.yaml": pipelineConfig, "b.yml": pipelineConfig}))
	require.Equal(t, 1, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "2 Pipeline configs (a.yaml, b.yml)")
}

// A config error fails the rendering with the function's message, and nothing on stdout.
func TestGenerateConfigError(t *testing.T) {
	bad := strings.Replace(setRunAs, "runAsUser: 1000", "runAsUser: -1", 1)
	for name, files := range map[string]map[string]string{
		"kpt": {"deploy.yaml": deployment, "set-runas.yaml": bad,
			"Kptfile": "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: app}\npipeline:\n  mutators:\n    - exec: set-runas\n      configPath: set-runas.yaml\n"},
		"pipeline": {"deploy.yaml": deployment, "pipeline.yaml": strings.Replace(pipelineConfig, "runAsUser: 1000", "runAsUser: -1", 1)},
	} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := generate(t, writeApp(t, files))
			require.NotZero(t, code)
			require.Empty(t, out)
			require.Contains(t, errOut, "runAsUser")
		})
	}
}

// What only kpt can run is named, all at once, before anything runs.
func TestGenerateKptfileOnlyUnbakeMutators(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"Kptfile": `apiVersion: kpt.dev/v1
kind: Kptfile
metadata: {name: app}
pipeline:
  mutators:
    - image: set-namespace
      configMap: {namespace: x}
    - exec: set-runas
      configPath: set-runas.yaml
      selectors: [{kind: Deployment}]
    - exec: set-labels
      configPath: labels.yaml
    - exec: unbake
      configPath: pipeline.yaml
  validators:
    - image: kubeconform
`,
		"set-runas.yaml":   setRunAs,
		"labels.yaml":      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: labels}\n",
		"pipeline.yaml":    pipelineConfig,
		"deploy.yaml":      deployment,
		"sub/Kptfile":      "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: sub}\n",
		"sub/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n",
	})
	out, errOut, code := generate(t, dir)
	require.Equal(t, 1, code)
	require.Empty(t, out)
	for _, want := range []string{
		"pipeline.validators: unbake runs mutators only",
		"pipeline.mutators[0] (image: set-namespace): no configPath",
		"pipeline.mutators[1] (exec: set-runas): selectors and exclude are kpt's",
		"pipeline.mutators[2] (exec: set-labels): configPath labels.yaml is a v1 ConfigMap, not an unbake config",
		filepath.Join("sub", "Kptfile") + ": subpackages are rendered by kpt only",
	} {
		require.Contains(t, errOut, want)
	}
	require.NotContains(t, errOut, "mutators[3]", "a Pipeline config is a valid step")
}

// A Pipeline step of a Kptfile contributes its steps.
func TestKptfilePipelineSplicesPipelines(t *testing.T) {
	dir := writeApp(t, map[string]string{
		"Kptfile":        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: app}\npipeline:\n  mutators:\n    - exec: unbake\n      configPath: pipeline.yaml\n    - exec: set-runas\n      configPath: set-runas.yaml\n",
		"pipeline.yaml":  pipelineConfig,
		"set-runas.yaml": setRunAs,
	})
	config, err := kptfilePipeline(dir)
	require.NoError(t, err)
	steps, err := config.Pipe(yaml.Lookup("spec", "steps"))
	require.NoError(t, err)
	elements, err := steps.Elements()
	require.NoError(t, err)
	require.Len(t, elements, 2)
	require.Equal(t, []string{"runas", "runas"}, []string{elements[0].GetName(), elements[1].GetName()})
	require.Equal(t, "app", config.GetName())
}

func TestGenerateNothingToRender(t *testing.T) {
	out, errOut, code := generate(t, writeApp(t, map[string]string{"deploy.yaml": deployment}))
	require.Equal(t, 1, code)
	require.Empty(t, out)
	require.Contains(t, errOut, "nothing for unbake to render")
}

// kustomize runs with the functions on PATH under their names, and as the legacy
// plugins of every kind: the sidecar holds only unbake and kustomize.
func TestGenerateKustomization(t *testing.T) {
	record := fakeKustomize(t, `printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n'`)
	dir := writeApp(t, map[string]string{"kustomization.yaml": "resources: []\n"})
	out, errOut, code := generate(t, dir)
	require.Zero(t, code, errOut)
	require.Equal(t, []string{"ConfigMap a", "ConfigMap b"}, objectIDs(t, out))

	require.Equal(t, "build --enable-alpha-plugins --enable-exec .\n", readFile(t, filepath.Join(record, "args")))
	wd, err := filepath.EvalSymlinks(strings.TrimSpace(readFile(t, filepath.Join(record, "pwd"))))
	require.NoError(t, err)
	app, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	require.Equal(t, app, wd)

	self, err := os.Executable()
	require.NoError(t, err)
	names := []string{"unbake"}
	for _, fn := range pipeline.Functions {
		names = append(names, fn.Name)
	}
	sort.Strings(names)
	require.Equal(t, strings.Join(names, "\n")+"\n", readFile(t, filepath.Join(record, "bin")))
	require.Equal(t, self+"\n", readFile(t, filepath.Join(record, "inject-sidecar")))
	plugins := strings.Fields(readFile(t, filepath.Join(record, "plugins")))
	require.Len(t, plugins, len(pipeline.Kinds()))
	require.Contains(t, plugins, filepath.Join("fn.unbake.dev", "v1alpha1", "setrunas", "SetRunAs"))
}

// Empty output would make Argo CD prune the application: it is an error.
func TestGenerateNeverPrintsNothing(t *testing.T) {
	for name, script := range map[string]string{
		"no objects":            `printf '# nothing\n'`,
		"kustomize fails":       `printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n'; echo 'Error: boom' >&2; exit 1`,
		"output does not parse": `printf 'a: [\n'`,
	} {
		t.Run(name, func(t *testing.T) {
			fakeKustomize(t, script)
			out, errOut, code := generate(t, writeApp(t, map[string]string{"kustomization.yaml": "resources: []\n"}))
			require.Equal(t, 1, code)
			require.Empty(t, out)
			require.Contains(t, errOut, "unbake argocd-generate:")
		})
	}
}

func TestMainUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	require.Equal(t, 2, Main("argocd-generate", []string{"dir"}, &out, &errOut))
	require.Contains(t, errOut.String(), "usage: unbake argocd-generate (in the application's directory)")
	require.Empty(t, out.String())
}

// fakeKustomize puts a kustomize first on PATH that records how it was run (arguments,
// working directory, the unbake links on its PATH and in its plugin home) into the
// returned directory, then runs script.
func fakeKustomize(t *testing.T, script string) string {
	t.Helper()
	bin, record := t.TempDir(), t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bin, "kustomize"), []byte(`#!/bin/sh
out=`+record+`
echo "$*" >"$out/args"
pwd >"$out/pwd"
first=${PATH%%:*}
ls "$first" >"$out/bin"
readlink "$first/inject-sidecar" >"$out/inject-sidecar"
(cd "$KUSTOMIZE_PLUGIN_HOME" && find . -type l | sed 's|^\./||') >"$out/plugins"
`+script+"\n"), 0o755))
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	return record
}

func generate(t *testing.T, dir string) (stdout, stderr string, code int) {
	t.Helper()
	return runIn(t, dir, "argocd-generate")
}

// objectIDs are the kinds and names of the objects in a YAML stream, sorted.
func objectIDs(t *testing.T, stream string) []string {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(stream)}).Read()
	require.NoError(t, err)
	ids := make([]string, 0, len(nodes))
	for _, n := range nodes {
		ids = append(ids, n.GetKind()+" "+n.GetName())
	}
	sort.Strings(ids)
	return ids
}

// examplesDir is the repository's examples/, absolute: the tests change directory.
func examplesDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	require.NoError(t, err)
	return dir
}

func copyDir(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(dir))
	require.NoError(t, os.CopyFS(dst, os.DirFS(dir)))
	return dst
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(data)
}

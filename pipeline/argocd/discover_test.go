package argocd

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every example is claimed in both its forms: kustomize/ (whose kustomization only names
// ../package, where the configs are) and package/ (its Kptfile).
func TestDiscoverExamples(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join(examplesDir(t), "*", "package", "Kptfile"))
	require.NoError(t, err)
	require.NotEmpty(t, examples)
	for _, kptfile := range examples {
		example := filepath.Dir(filepath.Dir(kptfile))
		for form, want := range map[string]string{"kustomize": "kustomize\n", "package": "kpt\n"} {
			t.Run(filepath.Base(example)+"/"+form, func(t *testing.T) {
				out, errOut, code := discover(t, filepath.Join(example, form))
				require.Zero(t, code, errOut)
				require.Equal(t, want, out)
			})
		}
	}
}

func TestDiscoverClaimsUnbakeApps(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"inline transformer": {
			"kustomization.yaml": "resources: [deploy.yaml]\ntransformers:\n  - |\n    apiVersion: fn.unbake.dev/v1alpha1\n    kind: SetRunAs\n    metadata: {name: x}\n",
			"deploy.yaml":        deployment,
		},
		"transformers from a kustomization": {
			"kustomization.yaml":     "resources: [deploy.yaml]\ntransformers: [fns]\n",
			"deploy.yaml":            deployment,
			"fns/kustomization.yaml": "resources: [set-runas.yaml]\n",
			"fns/set-runas.yaml":     setRunAs,
		},
		"pipeline": {
			"deploy.yaml":   deployment,
			"pipeline.yaml": pipelineConfig,
		},
		"kptfile mixing unbake and other functions": {
			"Kptfile":        "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: app}\npipeline:\n  mutators:\n    - image: set-namespace\n      configMap: {namespace: x}\n    - exec: set-runas\n      configPath: set-runas.yaml\n",
			"set-runas.yaml": setRunAs,
			"deploy.yaml":    deployment,
		},
	} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := discover(t, writeApp(t, files))
			require.Zero(t, code, errOut)
			require.NotEmpty(t, out)
		})
	}
}

// Argo CD asks plugins first: an app without unbake must stay Argo CD's own.
func TestDiscoverLeavesOtherAppsAlone(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"plain manifests": {"deploy.yaml": deployment},
		"kustomization without unbake": {
			"kustomization.yaml": "resources: [deploy.yaml, https://example.com/base]\ntransformers: [labels.yaml, missing.yaml]\n",
			"deploy.yaml":        deployment,
			"labels.yaml":        "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {a: b}\nfieldSpecs: [{path: metadata/labels, create: true}]\n",
		},
		"kpt package of other functions": {
			"Kptfile":     "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: app}\npipeline:\n  mutators:\n    - image: set-namespace\n      configMap: {namespace: x}\n",
			"deploy.yaml": deployment,
		},
		"kustomizations that include each other": {
			"kustomization.yaml":      "resources: [base]\n",
			"base/kustomization.yaml": "resources: [..]\n",
		},
	} {
		t.Run(name, func(t *testing.T) {
			out, errOut, code := discover(t, writeApp(t, files))
			require.Zero(t, code, errOut)
			require.Empty(t, out)
		})
	}
}

// Unbake configs in a remote base cannot be seen: the Application opts in.
func TestDiscoverOptIn(t *testing.T) {
	dir := writeApp(t, map[string]string{"kustomization.yaml": "resources:\n  - https://git.example.com/platform//base?ref=v1\n"})
	out, errOut, code := discover(t, dir)
	require.Zero(t, code, errOut)
	require.Empty(t, out)

	t.Setenv("ARGOCD_ENV_UNBAKE", "true")
	out, errOut, code = discover(t, dir)
	require.Zero(t, code, errOut)
	require.Equal(t, "ARGOCD_ENV_UNBAKE=true\n", out)
}

func TestDiscoverReportsBrokenKustomization(t *testing.T) {
	_, errOut, code := discover(t, writeApp(t, map[string]string{"kustomization.yaml": "resources: {a: b}\n"}))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "kustomization.yaml")
}

func discover(t *testing.T, dir string) (stdout, stderr string, code int) {
	t.Helper()
	return runIn(t, dir, "argocd-discover")
}

// runIn runs `unbake command` in dir, as Argo CD does in the application's directory.
func runIn(t *testing.T, dir, command string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	t.Chdir(dir)
	code = Main(command, nil, &out, &errOut)
	return out.String(), errOut.String(), code
}

// writeApp writes files (path: content) into a fresh directory and returns it.
func writeApp(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for path, content := range files {
		path = filepath.Join(dir, path)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	return dir
}

const (
	deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      containers: [{name: app, image: app:1}]
`
	setRunAs = `apiVersion: fn.unbake.dev/v1alpha1
kind: SetRunAs
metadata:
  name: runas
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  runAsUser: 1000
`
	pipelineConfig = `apiVersion: fn.unbake.dev/v1alpha1
kind: Pipeline
metadata:
  name: app
  annotations:
    config.kubernetes.io/local-config: "true"
spec:
  steps:
    - apiVersion: fn.unbake.dev/v1alpha1
      kind: SetRunAs
      metadata: {name: runas}
      spec: {runAsUser: 1000}
`
)

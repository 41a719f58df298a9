package pipeline

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sidecarConfig = `apiVersion: fn.unbake.dev/v1alpha1
kind: InjectSidecar
metadata:
  name: proxy
spec:
  containers:
    - name: proxy
      image: nginx:1.27.3-alpine
`

// What kustomize sends a legacy exec plugin: a YAML stream, each object with its id.
const kustomizeStream = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
    kustomize.config.k8s.io/id: |
      group: apps
      kind: Deployment
      name: web
      version: v1
spec:
  template:
    spec:
      containers:
      - name: web
        image: python:3.13.1-slim
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
`

func writeFile(t *testing.T, path, content string) string {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestRunLegacyPlugin(t *testing.T) {
	config := writeFile(t, filepath.Join(t.TempDir(), "kust-plugin-config-1"), sidecarConfig)
	fn, ok := ForKind("InjectSidecar")
	require.True(t, ok)

	var out, errOut bytes.Buffer
	require.Zero(t, RunLegacyPlugin(fn, []string{config}, strings.NewReader(kustomizeStream), &out, &errOut), errOut.String())
	require.NotContains(t, out.String(), "ResourceList", "a legacy plugin prints a plain stream")
	docs := strings.Split(out.String(), "\n---\n")
	require.Len(t, docs, 2)
	require.Contains(t, docs[0], "- name: proxy")
	require.Contains(t, docs[0], "kustomize.config.k8s.io/id", "kustomize finds its objects by this annotation")
	require.Contains(t, docs[1], "kind: Service")

	t.Run("generator: nothing on stdin", func(t *testing.T) {
		prepull := writeFile(t, filepath.Join(t.TempDir(), "config"), "apiVersion: fn.unbake.dev/v1alpha1\n"+
			"kind: PrepullDaemonSet\nmetadata: {name: prepull, namespace: kube-system}\nspec: {images: [nginx:1.27.3]}\n")
		fn, _ := ForKind("PrepullDaemonSet")
		var out, errOut bytes.Buffer
		require.Zero(t, RunLegacyPlugin(fn, []string{prepull}, strings.NewReader(""), &out, &errOut), errOut.String())
		require.Contains(t, out.String(), "kind: DaemonSet")
	})
	t.Run("errors: stderr only", func(t *testing.T) {
		bad := writeFile(t, filepath.Join(t.TempDir(), "config"), strings.Replace(sidecarConfig, "name: proxy\n", "name: web\n", 2))
		var out, errOut bytes.Buffer
		require.Equal(t, 1, RunLegacyPlugin(fn, []string{bad}, strings.NewReader(kustomizeStream), &out, &errOut))
		require.Empty(t, out.String(), "no partial stream")
		require.Contains(t, errOut.String(), "error: ")
	})
	t.Run("usage", func(t *testing.T) {
		var out, errOut bytes.Buffer
		require.Equal(t, 2, RunLegacyPlugin(fn, nil, strings.NewReader(""), &out, &errOut))
		require.Contains(t, errOut.String(), "the only argument is the config file")
	})
}

func TestRunFiles(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app", "web.yaml"), kustomizeStream)
	writeFile(t, filepath.Join(dir, "Kptfile"), "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata: {name: app}\n")
	writeFile(t, filepath.Join(dir, "settings.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n"+
		"  annotations: {config.kubernetes.io/local-config: \"true\"}\n")
	pipeline := writeFile(t, filepath.Join(dir, "pipeline.yaml"), "apiVersion: fn.unbake.dev/v1alpha1\nkind: Pipeline\n"+
		"metadata: {name: app}\nspec:\n  steps:\n"+indentBy(sidecarConfig, "    ", "  - "))

	var out, errOut bytes.Buffer
	require.Zero(t, RunFiles(Run, pipeline, dir, &out, &errOut), errOut.String())
	rendered := out.String()
	require.Contains(t, rendered, "- name: proxy")
	require.Contains(t, rendered, "\n---\n", "documents are separated, or Argo CD merges them")
	for _, dropped := range []string{"kind: Kptfile", "name: settings", "kind: Pipeline"} {
		require.NotContains(t, rendered, dropped)
	}

	t.Run("errors: stderr only", func(t *testing.T) {
		writeFile(t, filepath.Join(dir, "bad.yaml"), "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\n"+
			"spec: {template: {spec: {containers: [{name: proxy, image: nginx}]}}}\n")
		var out, errOut bytes.Buffer
		require.Equal(t, 1, RunFiles(Run, pipeline, dir, &out, &errOut))
		require.Empty(t, out.String(), "empty output would make Argo CD prune everything; the exit status says it failed")
		require.Contains(t, errOut.String(), "Deployment api")
	})
}

// indentBy indents text by prefix, with first before its first line instead.
func indentBy(text, prefix, first string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := range lines {
		if i == 0 {
			lines[i] = first + lines[i]
		} else {
			lines[i] = prefix + lines[i]
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestInstallPlugins(t *testing.T) {
	home := t.TempDir()
	for range 2 { // links that are there already are replaced
		require.NoError(t, InstallPlugins(home, "/opt/unbake/bin/unbake"))
	}
	for _, kind := range Kinds() {
		target, err := os.Readlink(filepath.Join(home, "fn.unbake.dev", "v1alpha1", strings.ToLower(kind), kind))
		require.NoError(t, err, kind)
		require.Equal(t, "/opt/unbake/bin/unbake", target)
	}
}

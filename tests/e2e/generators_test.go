//go:build e2e

package e2e

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestConfigMapNameIsConfigMapGenerators runs kustomize's own configMapGenerator and
// scripts-to-configmap, both through the kustomize binary, on the same files (text, CRLF
// text, binary) and requires the same name and content; then again with
// generatorOptions' immutable, labels and annotations beside the same fields of the config.
func TestConfigMapNameIsConfigMapGenerators(t *testing.T) {
	compareWithGenerator(t, "ConfigMap")
}

// TestSecretNameIsSecretGenerators does the same with secretGenerator and secret: true:
// the same name (hash), type and base64 data.
func TestSecretNameIsSecretGenerators(t *testing.T) {
	compareWithGenerator(t, "Secret")
}

// generatorOptions are the options both sides get in the second round: kustomize in the
// kustomization, scripts-to-configmap in its spec.
const generatorOptions = `immutable: true
labels:
  app.kubernetes.io/part-of: demo
annotations:
  team.example.com/owner: demo-team
`

func compareWithGenerator(t *testing.T, kind string) {
	script, err := os.ReadFile(filepath.Join(examplesRoot(t), "python-start-script", "package", "start.sh"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"start.sh": string(script),
		"crlf.sh":  "#!/bin/sh\r\necho saved on Windows\r\n",
		"logo.png": strings.Repeat("\x89PNG\r\n\x1a\n\x00\xff", 40), // base64 spans lines
	}
	names := []string{"crlf.sh", "logo.png", "start.sh"}
	generator, fields, secret := "configMapGenerator", []string{"data", "binaryData", "immutable"}, ""
	if kind == "Secret" {
		generator, fields, secret = "secretGenerator", []string{"type", "data", "immutable"}, "  secret: true\n"
	}
	for _, options := range []string{"", generatorOptions} {
		name := "plain"
		if options != "" {
			name = "with generatorOptions"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write := func(path, content string) {
				t.Helper()
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, form := range []string{"generator", "function"} {
				for name, content := range files {
					write(filepath.Join(dir, form, "kustomize", name), content)
				}
			}
			kustomization := generator + ":\n- name: scripts\n  files: [" + strings.Join(names, ", ") + "]\n"
			if options != "" {
				kustomization += "generatorOptions:\n" + indentLines(options, "  ")
			}
			write(filepath.Join(dir, "generator", "kustomize", "kustomization.yaml"), kustomization)
			write(filepath.Join(dir, "function", "kustomize", "kustomization.yaml"), "resources: [pod.yaml]\ntransformers: [scripts.yaml]\n")
			write(filepath.Join(dir, "function", "kustomize", "pod.yaml"),
				"apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: busybox:1.37.0\n")
			write(filepath.Join(dir, "function", "kustomize", "scripts.yaml"), `apiVersion: fn.unbake.dev/v1alpha1
kind: ScriptsToConfigMap
metadata:
  name: scripts
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: scripts-to-configmap
spec:
`+secret+indentLines(options, "  ")+`  mountPath: /opt/scripts
  files:
  - path: `+strings.Join(names, "\n  - path: ")+"\n")

			var generated []*yaml.RNode
			for _, form := range []string{"generator", "function"} {
				objects := parse(t, renderKustomize(t, filepath.Join(dir, form)))
				i := slices.IndexFunc(objects, func(o *yaml.RNode) bool { return o.GetKind() == kind })
				if i < 0 {
					t.Fatalf("%s: no %s in the rendering", form, kind)
				}
				generated = append(generated, objects[i])
			}
			want, got := generated[0], generated[1]
			if !strings.HasPrefix(want.GetName(), "scripts-") || got.GetName() != want.GetName() {
				t.Errorf("scripts-to-configmap named the %s %q, kustomize's %s %q", kind, got.GetName(), generator, want.GetName())
			}
			for _, field := range fields {
				if w, g := want.Field(field), got.Field(field); (w == nil) != (g == nil) || w != nil && w.Value.MustString() != g.Value.MustString() {
					t.Errorf("%s differs: %s\n%v\nscripts-to-configmap\n%v", field, generator, w, g)
				}
			}
			if w, g := want.GetLabels(), got.GetLabels(); !maps.Equal(w, g) {
				t.Errorf("labels differ: %s %v, scripts-to-configmap %v", generator, w, g)
			}
			for key, value := range want.GetAnnotations() {
				if got.GetAnnotations()[key] != value {
					t.Errorf("annotation %s: %s %q, scripts-to-configmap %q", key, generator, value, got.GetAnnotations()[key])
				}
			}
		})
	}
}

func indentLines(text, prefix string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		if line != "" {
			b.WriteString(prefix + line)
		}
	}
	return b.String()
}

//go:build e2e

package e2e

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kubectl is the kubectl whose embedded kustomize (v5.5.0) has no --enable-exec.
const kubectl = "/usr/bin/kubectl"

// TestKubectlKustomize renders each example's kustomize/ form with plain `kubectl kustomize
// --enable-alpha-plugins`, through unbake's legacy exec plugins: the function configs
// without the config.kubernetes.io/function annotation, unbake linked under
// $KUSTOMIZE_PLUGIN_HOME by `unbake install-plugins` (what `make plugins` runs).
func TestKubectlKustomize(t *testing.T) {
	if err := executable(kubectl); err != nil {
		t.Fatalf("kubectl kustomize is what this test is about: %v", err)
	}
	usePluginHome(t)
	for _, dir := range examples(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			copied := copyExample(t, dir)
			for _, config := range functionConfigs(t, copied) {
				setFunctionAnnotation(t, config, "")
			}
			stdout, stderr, err := run(t, copied, kubectl, "kustomize", "--enable-alpha-plugins", "kustomize")
			if err != nil {
				t.Fatalf("kubectl kustomize: %v\n%s", err, stderr)
			}
			got := emit(t, checkRan(t, dir, parse(t, stdout)))
			if want := readGolden(t, filepath.Join(dir, "expected.yaml")); got != want {
				t.Errorf("kubectl kustomize with the legacy plugins renders other objects than expected.yaml\n%s", firstDiff(want, got))
			}
		})
	}
}

// TestKubectlKustomizeSkipsExecFunctions shows the trap the legacy plugins avoid: with the
// function annotation, kubectl kustomize skips the functions without a word.
func TestKubectlKustomizeSkipsExecFunctions(t *testing.T) {
	usePluginHome(t)
	dir := examples(t)[0]
	stdout, stderr, err := run(t, dir, kubectl, "kustomize", "--enable-alpha-plugins", "kustomize")
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, stderr)
	}
	if got, input := emit(t, normalize(t, parse(t, stdout))), emit(t, normalize(t, readPackage(t, filepath.Join(dir, "package")))); got != input {
		t.Errorf("kubectl kustomize ran exec functions: document it in README.md and drop this test\n%s", firstDiff(input, got))
	}
	if stderr != "" {
		t.Errorf("kubectl kustomize said something about the skipped functions: %s", stderr)
	}
}

// usePluginHome links unbake's legacy plugins into a fresh plugin home and points
// kustomize at it.
func usePluginHome(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	if _, stderr, err := run(t, home, filepath.Join(unbakeBin, "unbake"), "install-plugins", home); err != nil {
		t.Fatalf("unbake install-plugins: %v\n%s", err, stderr)
	}
	t.Setenv("KUSTOMIZE_PLUGIN_HOME", home)
}

// functionConfigs lists the unbake function config files of a copied example.
func functionConfigs(t *testing.T, example string) []string {
	t.Helper()
	var configs []string
	for _, form := range []string{"kustomize", "package"} {
		err := filepath.WalkDir(filepath.Join(example, form), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
				return err
			}
			node, err := yaml.ReadFile(path)
			if err != nil {
				return err
			}
			if strings.HasPrefix(node.GetApiVersion(), "fn.unbake.dev/") {
				configs = append(configs, path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(configs) == 0 {
		t.Fatalf("no unbake function configs in %s", example)
	}
	return configs
}

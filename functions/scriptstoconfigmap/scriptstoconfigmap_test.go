package scriptstoconfigmap

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/golden"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestGolden(t *testing.T) { golden.Run(t, Function, "testdata") }

const pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: app\nspec:\n  containers:\n  - name: app\n    image: busybox:1.37.0\n"

// config is a ScriptsToConfigMap with the given files (a YAML list) and annotations.
func config(files string, annotations map[string]string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: fn.unbake.dev/v1alpha1\nkind: ScriptsToConfigMap\nmetadata:\n  name: scripts\n")
	if len(annotations) > 0 {
		b.WriteString("  annotations:\n")
		for k, v := range annotations {
			b.WriteString("    " + k + ": '" + v + "'\n")
		}
	}
	b.WriteString("spec:\n  mountPath: /opt/scripts\n  files:\n" + files)
	return []byte(b.String())
}

// generated returns the ConfigMap the run generated.
func generated(t *testing.T, out golden.Output) *yaml.RNode {
	t.Helper()
	require.Equal(t, 0, out.Code, out.Stderr)
	for _, item := range out.Items {
		if item.GetKind() == "ConfigMap" {
			return item
		}
	}
	t.Fatalf("no ConfigMap in the output:\n%s", out.Stream)
	return nil
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// Under kpt fn render, paths are relative to the package directory that kpt records on
// the config, not to the working directory (kpt's own).
func TestPathsAreRelativeToTheKptPackage(t *testing.T) {
	pkg := t.TempDir()
	writeFile(t, filepath.Join(pkg, "scripts", "start.sh"), "#!/bin/sh\necho from the package\n")
	cfg := config("  - path: scripts/start.sh\n", map[string]string{packagePathAnnotation: pkg})
	data, err := generated(t, golden.Process(t, Function, cfg, []byte(pod))).Pipe(yaml.Lookup("data", "start.sh"))
	require.NoError(t, err)
	require.Equal(t, "#!/bin/sh\necho from the package\n", yaml.GetValue(data))
}

// A config that kpt did not read from a file (no annotation of its own) takes the
// package directory from the items: the shortest, as subpackages lie inside the package.
func TestPackageDirectoryFromTheItems(t *testing.T) {
	pkg := t.TempDir()
	writeFile(t, filepath.Join(pkg, "start.sh"), "#!/bin/sh\n")
	annotated := func(dir string) string {
		return strings.Replace(pod, "  name: app\n", "  name: app\n  annotations:\n    "+packagePathAnnotation+": '"+dir+"'\n", 1)
	}
	input := annotated(filepath.Join(pkg, "sub")) + "---\n" + annotated(pkg)
	out := golden.Process(t, Function, config("  - path: start.sh\n", nil), []byte(input))
	generated(t, out)
}

// os.Root refuses a symbolic link that leads out of the directory.
func TestSymlinkOutOfTheDirectoryIsAnError(t *testing.T) {
	dir := t.TempDir()
	pkg := filepath.Join(dir, "pkg")
	writeFile(t, filepath.Join(dir, "secret.txt"), "not yours\n")
	require.NoError(t, os.MkdirAll(pkg, 0o755))
	require.NoError(t, os.Symlink("../secret.txt", filepath.Join(pkg, "link.txt")))
	writeFile(t, filepath.Join(pkg, "inside.txt"), "mine\n")
	require.NoError(t, os.Symlink("inside.txt", filepath.Join(pkg, "inside-link.txt")))

	cfg := config("  - path: inside-link.txt\n", map[string]string{packagePathAnnotation: pkg})
	generated(t, golden.Process(t, Function, cfg, []byte(pod)))

	cfg = config("  - path: link.txt\n", map[string]string{packagePathAnnotation: pkg})
	out := golden.Process(t, Function, cfg, []byte(pod))
	require.Equal(t, 1, out.Code)
	require.Contains(t, out.Stderr, "cannot read link.txt: path escapes from parent")
}

func TestSizeLimits(t *testing.T) {
	content := func(n int) string { return "  - key: big\n    content: '" + strings.Repeat("x", n) + "'\n" }

	out := golden.Process(t, Function, config(content(300<<10), nil), []byte(pod))
	generated(t, out)
	require.Contains(t, out.Stderr, "warning: ScriptsToConfigMap scripts")
	require.Contains(t, out.Stderr, "the files hold 307200 bytes, over 256 KiB")

	out = golden.Process(t, Function, config(content(1<<20+1), nil), []byte(pod))
	require.Equal(t, 1, out.Code)
	require.Contains(t, out.Stderr, "error: ScriptsToConfigMap scripts")
	require.Contains(t, out.Stderr, "the files hold 1048577 bytes, over the 1 MiB")

	// A Secret has the same limit, on the files' bytes (not their base64 form).
	secret := func(n int) []byte {
		return []byte(strings.Replace(string(config(content(n), nil)), "spec:\n", "spec:\n  secret: true\n", 1))
	}
	out = golden.Process(t, Function, secret(1<<20+1), []byte(pod))
	require.Equal(t, 1, out.Code)
	require.Contains(t, out.Stderr, "the files hold 1048577 bytes, over the 1 MiB (1048576 bytes) the API server accepts in one Secret")
}

func FuzzScriptsToConfigMap(f *testing.F) { golden.Fuzz(f, Function, "testdata") }

//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestConvert runs `unbake convert` (the multi-call binary, which runs unbake-convert) on
// every golden case of convert/testdata, and renders each package it writes with the real
// kustomize, the real kpt and `unbake run -f`: each must give the objects of the case's
// rendered.yaml (written by convert's golden tests through unbake run in process), which
// differ from the package's manifests in the way its configs say.
func TestConvert(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("..", "..", "convert", "testdata", "*", "out"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no convert/testdata/*/out (%v)", err)
	}
	for _, out := range cases {
		dir, _ := filepath.Abs(filepath.Dir(out))
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readGolden(t, filepath.Join(dir, "rendered.yaml"))
			t.Run("unbake convert", func(t *testing.T) { convertWithBinary(t, dir) })
			renders := map[string]func(t *testing.T, pkg string) []*yaml.RNode{
				"kustomize": func(t *testing.T, pkg string) []*yaml.RNode {
					stdout, stderr, err := run(t, pkg, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", ".")
					if err != nil {
						t.Fatalf("kustomize build: %v\n%s", err, stderr)
					}
					return parse(t, stdout)
				},
				"kpt": func(t *testing.T, pkg string) []*yaml.RNode {
					if _, stderr, err := run(t, pkg, kpt, "fn", "render", "--allow-exec"); err != nil {
						t.Fatalf("kpt fn render: %v\n%s", err, stderr)
					}
					return readPackage(t, pkg)
				},
				"unbake run -f": func(t *testing.T, pkg string) []*yaml.RNode {
					writePipeline(t, pkg, "converted")
					return renderRunFiles(t, pkg)
				},
			}
			for name, render := range renders {
				t.Run(name, func(t *testing.T) {
					pkg := copyExample(t, out)
					input := emit(t, normalize(t, readPackage(t, pkg)))
					objects := normalize(t, render(t, pkg))
					if got := emit(t, objects); got == input {
						t.Fatalf("the rendering equals the package's manifests: the functions did not run")
					} else if got != want {
						t.Errorf("%s renders other objects than rendered.yaml\n%s", name, firstDiff(want, got))
					}
					convertedAsConfigured(t, out, objects)
				})
			}
		})
	}
}

// convertWithBinary runs `unbake convert` on the case as a user would, and compares its
// exit status and package with the golden ones.
func convertWithBinary(t *testing.T, dir string) {
	wantStatus, err := strconv.Atoi(strings.TrimSpace(readText(t, filepath.Join(dir, "status"))))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "pkg")
	args := []string{"convert", "--context", "in", "-o", out}
	if extra, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		args = append(args, strings.Fields(string(extra))...)
	}
	if _, err := os.Stat(filepath.Join(dir, "workload.yaml")); err == nil {
		args = append(args, "--workload", "workload.yaml")
	}
	_, stderr, err := run(t, dir, filepath.Join(unbakeBin, "unbake"), args...)
	status := 0
	if exit, ok := err.(interface{ ExitCode() int }); ok {
		status = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if status != wantStatus {
		t.Fatalf("unbake %s: exit status %d, want %d\n%s", strings.Join(args, " "), status, wantStatus, stderr)
	}
	if got, want := packageFiles(t, out), packageFiles(t, filepath.Join(dir, "out")); got != want {
		t.Errorf("unbake convert wrote another package than out/\n%s", firstDiff(want, got))
	}
}

// convertedAsConfigured checks that each config of the package left its mark: a tool that
// skipped a step would still render something.
func convertedAsConfigured(t *testing.T, pkg string, objects []*yaml.RNode) {
	t.Helper()
	text := emit(t, objects)
	configs, err := filepath.Glob(filepath.Join(pkg, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range configs {
		config, err := yaml.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		name := config.GetName()
		var mark string
		switch config.GetKind() {
		case "InjectSidecar":
			mark = name + ": container/" // the pod-template record fn.unbake.dev/injected
		case "ScriptsToConfigMap":
			mark = "fn.unbake.dev/generated-by: ScriptsToConfigMap." + name
		case "InitChain":
			mark = "name: " + name + "-"
		case "SetRunAs":
			mark = "runAsUser: "
		case "KanikoJob":
			mark = "fn.unbake.dev/generated-by: KanikoJob." + name
		default:
			continue
		}
		if !strings.Contains(text, mark) {
			t.Errorf("%s (%s %s) left no %q in the rendering: it did not run", filepath.Base(file), config.GetKind(), name, mark)
		}
	}
}

func readText(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

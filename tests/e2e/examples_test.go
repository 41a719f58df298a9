//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unbake/unbake/tests/convergence"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const goldenHeader = "# Rendered by `kustomize build --enable-alpha-plugins --enable-exec kustomize` (kpt fn render\n" +
	"# gives the same objects). Do not edit: `UNBAKE_UPDATE_GOLDEN=1 make e2e` rewrites it.\n"

// TestKustomize renders each example's kustomize/ form with the standalone kustomize
// (kubectl kustomize has no --enable-exec and silently skips exec functions).
func TestKustomize(t *testing.T) {
	for _, dir := range examples(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			rendered := renderKustomize(t, dir)
			got := emit(t, checkRan(t, dir, parse(t, rendered)))
			golden := filepath.Join(dir, "expected.yaml")
			if updateGolden {
				if t.Failed() {
					t.Fatalf("not rewriting %s with a rendering that failed the checks", golden)
				}
				if err := os.WriteFile(golden, []byte(goldenHeader+rendered), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := readGolden(t, golden); got != want {
				t.Errorf("kustomize rendering differs from %s (if the change is intended: UNBAKE_UPDATE_GOLDEN=1 make e2e)\n%s",
					golden, firstDiff(want, got))
			}
		})
	}
}

// TestKpt renders each example's package/ as a kpt user does, in place (on a copy), and
// compares the rendered files with the kustomize rendering and expected.yaml. Rendering the
// rendered package again must change nothing.
func TestKpt(t *testing.T) {
	for _, dir := range examples(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			pkg := filepath.Join(copyExample(t, dir), "package")
			if _, stderr, err := run(t, pkg, kpt, "fn", "render", "--allow-exec"); err != nil {
				t.Fatalf("kpt fn render: %v\n%s", err, stderr)
			}
			got := emit(t, checkRan(t, dir, readPackage(t, pkg)))

			if want := canonical(t, renderKustomize(t, dir)); got != want {
				t.Errorf("kpt and kustomize render different objects (- kustomize, + kpt)\n%s", firstDiff(want, got))
			}
			if golden := filepath.Join(dir, "expected.yaml"); !updateGolden {
				if want := readGolden(t, golden); got != want {
					t.Errorf("kpt rendering differs from %s\n%s", golden, firstDiff(want, got))
				}
			}

			// kpt writes the render into the package: rendering it again in place must
			// change no file and create none.
			before := packageFiles(t, pkg)
			if _, stderr, err := run(t, pkg, kpt, "fn", "render", "--allow-exec"); err != nil {
				t.Fatalf("kpt fn render of the rendered package: %v\n%s", err, stderr)
			}
			if after := packageFiles(t, pkg); after != before {
				t.Errorf("rendering the rendered package again in place changed its files (- first render, + second)\n%s", firstDiff(before, after))
			}
		})
	}
}

// TestConfigError: a sidecar port equal to TensorBoard's own port is a config error, and
// both tools must fail with the function's message, which names the config field.
func TestConfigError(t *testing.T) {
	const (
		example  = "tensorboard-basic-auth"
		appPort  = "6006" // TensorBoard's containerPort in package/deployment.yaml
		wantPath = "spec.containers[0].ports[0].containerPort"
	)
	dir := copyExample(t, filepath.Join(examplesRoot(t), example))
	// One config serves both tools: kpt reads it through the Kptfile, kustomize through
	// package/kustomization.yaml.
	config := filepath.Join(dir, "package", "inject-sidecar.yaml")
	node, err := yaml.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	port := yaml.NewScalarRNode(appPort)
	port.YNode().Tag = yaml.NodeTagInt
	if err := node.PipeE(yaml.Lookup("spec", "containers", "0", "ports", "0"), yaml.SetField("containerPort", port)); err != nil {
		t.Fatalf("%s: %v", config, err)
	}
	if err := yaml.WriteFile(node, config); err != nil {
		t.Fatal(err)
	}

	for name, render := range renderers(t, dir) {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, err := render()
			if err == nil {
				t.Fatalf("succeeded with sidecar port %s, which the app already uses; output:\n%s", appPort, stdout)
			}
			if out := stdout + stderr; !strings.Contains(out, wantPath) {
				t.Errorf("failed (%v), but the output does not name %s:\n%s", err, wantPath, out)
			}
		})
	}
}

// packageFiles is every file of the package with its content.
func packageFiles(t *testing.T, pkg string) string {
	t.Helper()
	files, err := convergence.Files(pkg)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// renderers render an example directory (a copy: kpt renders in place) with each tool.
func renderers(t *testing.T, dir string) map[string]func() (string, string, error) {
	return map[string]func() (string, string, error){
		"kustomize": func() (string, string, error) {
			return run(t, dir, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", "kustomize")
		},
		"kpt": func() (string, string, error) {
			return run(t, filepath.Join(dir, "package"), kpt, "fn", "render", "--allow-exec")
		},
	}
}

// renderKustomize runs kustomize build on the example's kustomize/ form.
func renderKustomize(t *testing.T, dir string) string {
	t.Helper()
	stdout, stderr, err := run(t, dir, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", "kustomize")
	if err != nil {
		t.Fatalf("kustomize build: %v\n%s", err, stderr)
	}
	return stdout
}

// readPackage reads the manifests of a kpt package directory.
func readPackage(t *testing.T, pkg string) []*yaml.RNode {
	t.Helper()
	nodes, err := (&kio.LocalPackageReader{PackagePath: pkg, OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("reading %s: %v", pkg, err)
	}
	return nodes
}

func readGolden(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UNBAKE_UPDATE_GOLDEN=1 make e2e writes it)", err)
	}
	return canonical(t, string(b))
}

// checkRan proves the functions ran, and returns the normalized objects. For every example,
// the rendering must differ from the manifests in package/ (a tool that skips exec functions
// returns them unchanged); examples listed in proofs are also checked for the changes only
// their function makes.
func checkRan(t *testing.T, dir string, rendered []*yaml.RNode) []*yaml.RNode {
	t.Helper()
	objects := normalize(t, rendered)
	if emit(t, objects) == emit(t, normalize(t, readPackage(t, filepath.Join(dir, "package")))) {
		t.Errorf("the rendering equals the input manifests: the functions did not run")
	}
	if prove := proofs[filepath.Base(dir)]; prove != nil {
		prove(t, objects)
	}
	return objects
}

// proofs check, per example, what only its functions write. Each example registers its
// proof in its own file, proof_<example>_test.go.
var proofs = map[string]func(t *testing.T, objects []*yaml.RNode){}

func find(t *testing.T, objects []*yaml.RNode, kind, namespace, name string) *yaml.RNode {
	t.Helper()
	for _, o := range objects {
		if o.GetKind() == kind && o.GetNamespace() == namespace && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s/%s in the rendering", kind, namespace, name)
	return nil
}

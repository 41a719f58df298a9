//go:build e2e

package e2e

import (
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestPipeline runs each example's kpt steps as one Pipeline, in one process, in the three
// ways users run `unbake run`: as the single exec step of a Kptfile, as the single exec
// transformer of a kustomization, and on the package's files (`unbake run -f`). Each must
// render the objects of expected.yaml, which the steps run one by one through kpt and
// kustomize render (TestKpt, TestKustomize).
func TestPipeline(t *testing.T) {
	for _, dir := range examples(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readGolden(t, filepath.Join(dir, "expected.yaml"))
			renders := map[string]func(t *testing.T, pkg string) []*yaml.RNode{
				"kpt": func(t *testing.T, pkg string) []*yaml.RNode {
					setKptfileSteps(t, pkg, "exec: unbake\nconfigPath: pipeline.yaml\n")
					if _, stderr, err := run(t, pkg, kpt, "fn", "render", "--allow-exec"); err != nil {
						t.Fatalf("kpt fn render: %v\n%s", err, stderr)
					}
					return readPackage(t, pkg)
				},
				"kustomize": func(t *testing.T, pkg string) []*yaml.RNode {
					setFunctionAnnotation(t, filepath.Join(pkg, "pipeline.yaml"), "exec:\n  path: unbake\n")
					setTransformers(t, pkg, "pipeline.yaml")
					stdout, stderr, err := run(t, pkg, kustomize, "build", "--enable-alpha-plugins", "--enable-exec", ".")
					if err != nil {
						t.Fatalf("kustomize build: %v\n%s", err, stderr)
					}
					return parse(t, stdout)
				},
				"unbake run -f": renderRunFiles,
			}
			for name, render := range renders {
				t.Run(name, func(t *testing.T) {
					pkg := filepath.Join(copyExample(t, dir), "package")
					writePipeline(t, pkg, filepath.Base(dir))
					if got := emit(t, checkRan(t, dir, render(t, pkg))); got != want {
						t.Errorf("unbake run (%s) renders other objects than expected.yaml\n%s", name, firstDiff(want, got))
					}
				})
			}
		})
	}
}

// renderRunFiles runs `unbake run -f pipeline.yaml .` in pkg.
func renderRunFiles(t *testing.T, pkg string) []*yaml.RNode {
	t.Helper()
	stdout, stderr, err := run(t, pkg, filepath.Join(unbakeBin, "unbake"), "run", "-f", "pipeline.yaml", ".")
	if err != nil {
		t.Fatalf("unbake run -f: %v\n%s", err, stderr)
	}
	return parse(t, stdout)
}

// writePipeline writes pkg/pipeline.yaml: a local-config Pipeline whose steps are the
// configs of the Kptfile's mutators, in order.
func writePipeline(t *testing.T, pkg, name string) {
	t.Helper()
	pipeline, err := yaml.Parse("apiVersion: fn.unbake.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: " + name +
		"\n  annotations:\n    config.kubernetes.io/local-config: \"true\"\nspec:\n  steps: []\n")
	if err != nil {
		t.Fatal(err)
	}
	steps, err := pipeline.Pipe(yaml.Lookup("spec", "steps"))
	if err != nil {
		t.Fatal(err)
	}
	for _, config := range kptfileStepConfigs(t, pkg) {
		if err := steps.PipeE(yaml.Append(config.YNode())); err != nil {
			t.Fatal(err)
		}
	}
	if err := yaml.WriteFile(pipeline, filepath.Join(pkg, "pipeline.yaml")); err != nil {
		t.Fatal(err)
	}
}

// kptfileStepConfigs reads the config file of each mutator of the Kptfile in pkg.
func kptfileStepConfigs(t *testing.T, pkg string) []*yaml.RNode {
	t.Helper()
	mutators := kptfileMutators(t, pkg)
	configs := make([]*yaml.RNode, 0, len(mutators))
	for i, m := range mutators {
		path := yaml.GetValue(m.Field("configPath").Value)
		if path == "" {
			t.Fatalf("%s/Kptfile: pipeline.mutators[%d] has no configPath: only configPath steps can become Pipeline steps", pkg, i)
		}
		config, err := yaml.ReadFile(filepath.Join(pkg, path))
		if err != nil {
			t.Fatal(err)
		}
		configs = append(configs, config)
	}
	return configs
}

func kptfileMutators(t *testing.T, pkg string) []*yaml.RNode {
	t.Helper()
	kptfile, err := yaml.ReadFile(filepath.Join(pkg, "Kptfile"))
	if err != nil {
		t.Fatal(err)
	}
	mutators, err := kptfile.Pipe(yaml.Lookup("pipeline", "mutators"))
	if err != nil || mutators == nil {
		t.Fatalf("%s/Kptfile has no pipeline.mutators: %v", pkg, err)
	}
	elements, err := mutators.Elements()
	if err != nil {
		t.Fatal(err)
	}
	return elements
}

// setKptfileSteps replaces the Kptfile's mutators with the steps in YAML.
func setKptfileSteps(t *testing.T, pkg string, steps ...string) {
	t.Helper()
	list := yaml.NewListRNode()
	for _, s := range steps {
		step, err := yaml.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := list.PipeE(yaml.Append(step.YNode())); err != nil {
			t.Fatal(err)
		}
	}
	editYAML(t, filepath.Join(pkg, "Kptfile"), yaml.Lookup("pipeline"), yaml.SetField("mutators", list))
}

// setTransformers makes the package's kustomization run exactly the given transformers,
// and no generators.
func setTransformers(t *testing.T, pkg string, transformers ...string) {
	t.Helper()
	editYAML(t, filepath.Join(pkg, "kustomization.yaml"), yaml.Tee(yaml.Clear("generators")),
		yaml.SetField("transformers", yaml.NewListRNode(transformers...)))
}

// setFunctionAnnotation sets (or, with spec "", removes) the config.kubernetes.io/function
// annotation of the config file at path, which tells kustomize how to run the function.
func setFunctionAnnotation(t *testing.T, path, spec string) {
	t.Helper()
	var filter yaml.Filter = yaml.ClearAnnotation(functionAnnotation)
	if spec != "" {
		filter = yaml.SetAnnotation(functionAnnotation, spec)
	}
	editYAML(t, path, filter)
}

// editYAML rewrites the YAML file at path through filters.
func editYAML(t *testing.T, path string, filters ...yaml.Filter) {
	t.Helper()
	node, err := yaml.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := node.PipeE(filters...); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if err := yaml.WriteFile(node, path); err != nil {
		t.Fatal(err)
	}
}

const functionAnnotation = "config.kubernetes.io/function"

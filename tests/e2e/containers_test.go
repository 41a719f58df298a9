//go:build e2e && containers

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/pipeline"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The images under test, from the environment set by `make e2e-containers`, which builds
// them (make images) and loads them into podman.
var imageRepo, imageTag string

// workDir is the images' working directory, where a mounted package is read from.
const workDir = "/work"

// TestContainers renders each example with the function images instead of the binaries,
// run by podman: through kpt (Kptfile image: steps, KPT_FN_RUNTIME=podman) and through
// kustomize (container functions, a docker shim calling podman first on PATH), one image
// per step and the multi-call unbake image running the steps as a Pipeline. Each must
// render the objects of expected.yaml.
func TestContainers(t *testing.T) {
	usePodman(t)
	for _, dir := range examples(t) {
		t.Run(filepath.Base(dir), func(t *testing.T) { renderWithImages(t, dir) })
	}
}

// renderWithImages renders the example in dir with the images imageOf names, in the four
// ways of TestContainers, and compares each rendering with expected.yaml.
func renderWithImages(t *testing.T, dir string) {
	want := readGolden(t, filepath.Join(dir, "expected.yaml"))
	renders := map[string]func(t *testing.T, example string) []*yaml.RNode{
		"kpt":                    renderKptImages,
		"kustomize":              renderKustomizeContainers,
		"kpt-unbake-image":       renderKptPipelineImage,
		"kustomize-unbake-image": renderKustomizePipelineContainer,
	}
	for name, render := range renders {
		t.Run(name, func(t *testing.T) {
			got := emit(t, checkRan(t, dir, render(t, copyExample(t, dir))))
			if got != want {
				t.Errorf("the images (%s) render other objects than expected.yaml\n%s", name, firstDiff(want, got))
			}
		})
	}
}

// renderKptImages runs the Kptfile's steps with their images.
func renderKptImages(t *testing.T, example string) []*yaml.RNode {
	pkg := filepath.Join(example, "package")
	mutators := kptfileMutators(t, pkg)
	if readsFiles(t, pkg) {
		for _, m := range mutators {
			evalWithMount(t, pkg, imageOf(yaml.GetValue(m.Field("exec").Value)), yaml.GetValue(m.Field("configPath").Value))
		}
		return readPackage(t, pkg)
	}
	steps := make([]string, 0, len(mutators))
	for _, m := range mutators {
		steps = append(steps, fmt.Sprintf("image: %s\nconfigPath: %s\n",
			imageOf(yaml.GetValue(m.Field("exec").Value)), yaml.GetValue(m.Field("configPath").Value)))
	}
	setKptfileSteps(t, pkg, steps...)
	kptRender(t, pkg)
	return readPackage(t, pkg)
}

// renderKptPipelineImage runs the Kptfile's steps as a Pipeline in the unbake image.
func renderKptPipelineImage(t *testing.T, example string) []*yaml.RNode {
	pkg := filepath.Join(example, "package")
	writePipeline(t, pkg, filepath.Base(example))
	if readsFiles(t, pkg) {
		evalWithMount(t, pkg, imageOf("unbake"), "pipeline.yaml")
	} else {
		setKptfileSteps(t, pkg, fmt.Sprintf("image: %s\nconfigPath: pipeline.yaml\n", imageOf("unbake")))
		kptRender(t, pkg)
	}
	return readPackage(t, pkg)
}

// renderKustomizeContainers turns every exec function of the kustomization into the
// container function of its image.
func renderKustomizeContainers(t *testing.T, example string) []*yaml.RNode {
	for _, config := range functionConfigs(t, example) {
		node, err := yaml.ReadFile(config)
		if err != nil {
			t.Fatal(err)
		}
		spec, ok := node.GetAnnotations(functionAnnotation)[functionAnnotation]
		if !ok {
			continue // read by kpt only
		}
		fn, err := yaml.Parse(spec)
		if err != nil {
			t.Fatalf("%s: %v", config, err)
		}
		setFunctionAnnotation(t, config, containerSpec(yaml.GetValue(fn.Field("exec").Value.Field("path").Value)))
	}
	return kustomizeBuild(t, example, "kustomize")
}

// renderKustomizePipelineContainer runs the Kptfile's steps as a Pipeline in the unbake
// image, the only transformer of the package's kustomization.
func renderKustomizePipelineContainer(t *testing.T, example string) []*yaml.RNode {
	pkg := filepath.Join(example, "package")
	writePipeline(t, pkg, filepath.Base(example))
	setFunctionAnnotation(t, filepath.Join(pkg, "pipeline.yaml"), containerSpec("unbake"))
	setTransformers(t, pkg, "pipeline.yaml")
	return kustomizeBuild(t, example, "package")
}

// containerSpec runs the image of the function binary name, with the kustomization's
// directory mounted (read-only) as the working directory, where ScriptsToConfigMap reads
// its path: files. kustomize resolves a relative mount source from that directory.
func containerSpec(binary string) string {
	return fmt.Sprintf("container:\n  image: %s\n  mounts:\n    - type: bind\n      src: .\n      dst: %s\n",
		imageOf(binary), workDir)
}

// readsFiles tells whether a step of the package reads files of the package: kpt fn render
// cannot mount them into an image function (kpt fn eval --mount can), and the package
// directory kpt names to the function is not there inside the container.
func readsFiles(t *testing.T, pkg string) bool {
	t.Helper()
	for _, config := range kptfileStepConfigs(t, pkg) {
		if config.GetKind() != "ScriptsToConfigMap" {
			continue
		}
		files, err := config.Pipe(yaml.Lookup("spec", "files"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files.Content() {
			if yaml.GetValue(yaml.NewRNode(f).Field("path").Value) != "" {
				t.Logf("%s reads files of the package, which kpt fn render cannot mount into a container: running each step with kpt fn eval --mount instead", config.GetName())
				return true
			}
		}
	}
	return false
}

func kptRender(t *testing.T, pkg string) {
	t.Helper()
	if _, stderr, err := run(t, pkg, kpt, "fn", "render", "--image-pull-policy", "never"); err != nil {
		t.Fatalf("kpt fn render: %v\n%s", err, stderr)
	}
}

// evalWithMount runs one step on the package with kpt fn eval, the package mounted
// (read-only) as the image's working directory.
func evalWithMount(t *testing.T, pkg, image, config string) {
	t.Helper()
	if _, stderr, err := run(t, pkg, kpt, "fn", "eval", "--image", image, "--fn-config", config,
		"--image-pull-policy", "never", "--mount", "type=bind,src="+pkg+",dst="+workDir); err != nil {
		t.Fatalf("kpt fn eval --image %s: %v\n%s", image, err, stderr)
	}
}

func kustomizeBuild(t *testing.T, dir, target string) []*yaml.RNode {
	t.Helper()
	stdout, stderr, err := run(t, dir, kustomize, "build", "--enable-alpha-plugins", target)
	if err != nil {
		t.Fatalf("kustomize build: %v\n%s", err, stderr)
	}
	return parse(t, stdout)
}

// imageOf is the image of a function binary (a bare name or a path).
func imageOf(binary string) string {
	return imageRepo + "/" + filepath.Base(binary) + ":" + imageTag
}

// usePodman checks that podman has every image, and sets up kpt and kustomize to use it.
// Outside make, without the images, it skips; under make, it fails.
func usePodman(t *testing.T) {
	t.Helper()
	imageRepo, imageTag = os.Getenv("UNBAKE_IMAGE_REPO"), os.Getenv("UNBAKE_IMAGE_TAG")
	if imageRepo == "" || imageTag == "" {
		msg := "SKIPPING the container tests: UNBAKE_IMAGE_REPO and UNBAKE_IMAGE_TAG are not set. " +
			"Run `make e2e-containers` (make test does): it builds the images and loads them into podman."
		fmt.Fprintln(os.Stderr, msg)
		t.Skip(msg)
	}
	podman := setupPodman(t)
	for _, name := range imageNames() {
		if _, stderr, err := run(t, ".", podman, "image", "exists", imageOf(name)); err != nil {
			t.Fatalf("podman has no image %s (make images builds it): %v %s", imageOf(name), err, stderr)
		}
	}
}

// imageNames are the names of unbake's images: every function's and unbake's.
func imageNames() []string {
	var names []string
	for _, fn := range slices.Concat(pipeline.Functions, []krm.Function{{Name: "unbake"}}) {
		names = append(names, fn.Name)
	}
	return names
}

// setupPodman sets up kpt and kustomize to run functions' images with podman, and returns
// podman's path.
func setupPodman(t *testing.T) string {
	t.Helper()
	podman, err := exec.LookPath("podman")
	if err != nil {
		t.Fatalf("podman is not installed (make podman, or apt-get install -y podman runc): %v", err)
	}
	if os.Getenv("CONTAINERS_CONF") == "" {
		conf, err := filepath.Abs(filepath.Join("..", "..", "pipeline", "images", "containers.conf"))
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv("CONTAINERS_CONF", conf)
	}
	t.Setenv("KPT_FN_RUNTIME", "podman")
	// kustomize runs container functions with docker.
	shim := t.TempDir()
	script := "#!/bin/sh\nexec " + podman + " \"$@\"\n"
	if err := os.WriteFile(filepath.Join(shim, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", shim+string(os.PathListSeparator)+os.Getenv("PATH"))
	return podman
}

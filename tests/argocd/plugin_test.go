package argocd

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/argoproj/argo-cd/v3/util/app/discovery"
	"github.com/argoproj/argo-cd/v3/util/cmp"
	utilio "github.com/argoproj/argo-cd/v3/util/io"
	grpcretry "github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// requestTimeout bounds a discovery and a generation: a rendering takes well under a second.
const requestTimeout = 2 * time.Minute

// revision is the commit Argo CD renders, in ARGOCD_APP_REVISION.
const revision = "0123456789abcdef0123456789abcdef01234567"

// TestExamples renders every example through the plugin server in each form the plugin
// discovers: kustomize/ (a kustomization whose base is ../package), package/ (a Kptfile,
// rendered without kpt) and the package's files with one Pipeline config. Each must give
// the objects of the example's expected.yaml.
func TestExamples(t *testing.T) {
	for _, example := range examples(t) {
		want := readGolden(t, filepath.Join(example, "expected.yaml"))
		for form, prepare := range map[string]func(t *testing.T, copied string) string{
			"kustomize": func(t *testing.T, copied string) string { return filepath.Join(copied, "kustomize") },
			"kpt":       func(t *testing.T, copied string) string { return filepath.Join(copied, "package") },
			"pipeline":  pipelineApp,
		} {
			t.Run(filepath.Base(example)+"/"+form, func(t *testing.T) {
				repo, copied := copyExample(t, example)
				manifests, err := generate(t, repo, prepare(t, copied))
				if err != nil {
					t.Fatal(err)
				}
				if got := canonical(t, strings.Join(manifests, "\n---\n")); got != want {
					t.Errorf("the plugin renders other objects than %s\n%s", filepath.Join(example, "expected.yaml"), firstDiff(want, got))
				}
			})
		}
	}
}

// TestRevisionFromArgoCD: without spec.revision, gen-kaniko-job tags the image with the
// commit Argo CD renders, which reaches it through the server, argocd-generate and kustomize.
func TestRevisionFromArgoCD(t *testing.T) {
	image := "registry.example.com/demo/hello:" + revision[:12]
	for _, form := range []string{"kustomize", "package"} {
		t.Run(form, func(t *testing.T) {
			repo, copied := copyExample(t, filepath.Join(examplesRoot(t), "kaniko-build"))
			editYAML(t, filepath.Join(copied, "package", "gen-kaniko-job.yaml"), yaml.Lookup("spec"), yaml.Tee(yaml.Clear("revision")),
				yaml.SetField("context", yaml.NewStringRNode("git://github.com/example-org/hello-app.git#refs/heads/main")))
			manifests, err := generate(t, repo, filepath.Join(copied, form))
			if err != nil {
				t.Fatal(err)
			}
			deployment := find(t, parse(t, strings.Join(manifests, "\n---\n")), "Deployment", "hello")
			got, err := deployment.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "0", "image"))
			if err != nil || yaml.GetValue(got) != image {
				t.Errorf("the Deployment runs %s, want %s (from ARGOCD_APP_REVISION=%s): %v", yaml.GetValue(got), image, revision, err)
			}
		})
	}
}

// TestConfigError: a failing function fails the generation with its message, which names
// the config field, and Argo CD gets no manifests (none would mean: prune everything).
func TestConfigError(t *testing.T) {
	const wantPath = "spec.containers[0].ports[0].containerPort"
	for _, form := range []string{"kustomize", "package"} {
		t.Run(form, func(t *testing.T) {
			repo, copied := copyExample(t, filepath.Join(examplesRoot(t), "tensorboard-basic-auth"))
			// 6006 is TensorBoard's own port: the sidecar may not take it.
			port := yaml.NewScalarRNode("6006")
			port.YNode().Tag = yaml.NodeTagInt
			editYAML(t, filepath.Join(copied, "package", "inject-sidecar.yaml"),
				yaml.Lookup("spec", "containers", "0", "ports", "0"), yaml.SetField("containerPort", port))
			manifests, err := generate(t, repo, filepath.Join(copied, form))
			if err == nil {
				t.Fatalf("generated %d manifests with a sidecar port that the app already uses", len(manifests))
			}
			if !strings.Contains(err.Error(), wantPath) {
				t.Errorf("the error does not name %s: %v", wantPath, err)
			}
			if len(manifests) != 0 {
				t.Errorf("manifests came back with the error: %v", manifests)
			}
		})
	}
}

// TestNoObjects: an application that renders no objects is an error, not an empty list.
func TestNoObjects(t *testing.T) {
	repo := t.TempDir()
	app := writeFiles(t, filepath.Join(repo, "app"), map[string]string{
		"kustomization.yaml": "transformers: [set-runas.yaml]\n",
		"set-runas.yaml": "apiVersion: fn.unbake.dev/v1alpha1\nkind: SetRunAs\nmetadata:\n  name: runas\n" +
			"  annotations:\n    config.kubernetes.io/function: |\n      exec: {path: set-runas}\nspec:\n  allowNoMatch: true\n  runAsUser: 1000\n",
	})
	manifests, err := generate(t, repo, app)
	if err == nil || !strings.Contains(err.Error(), "no objects") {
		t.Errorf("want an error about no objects, got manifests %v and error %v", manifests, err)
	}
}

// TestOtherAppsStayArgoCDs: discovery does not claim an application without unbake
// functions, which Argo CD then renders itself, unless the Application's plugin env sets
// UNBAKE=true (for unbake configs in a remote base), which Argo CD passes to discovery.
func TestOtherAppsStayArgoCDs(t *testing.T) {
	repo := t.TempDir()
	app := writeFiles(t, filepath.Join(repo, "app"), map[string]string{
		"kustomization.yaml": "resources: [cm.yaml]\n",
		"cm.yaml":            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
	})
	for _, optIn := range []bool{false, true} {
		env := argoEnv(repo, app)
		if optIn {
			env = append(env, "ARGOCD_ENV_UNBAKE=true")
		}
		ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
		conn, _, err := discovery.DetectConfigManagementPlugin(ctx, app, repo, "", env, nil)
		cancel()
		if err == nil {
			utilio.Close(conn)
		}
		if claimed := err == nil; claimed != optIn {
			t.Errorf("with ARGOCD_ENV_UNBAKE=true %v, the plugin claimed (%v) a kustomization without unbake functions: %v", optIn, claimed, err)
		}
	}
}

// generate renders the application at app in the repository repo as the repo-server
// does (reposerver/repository runConfigManagementPluginSidecars): it finds the plugin by
// discovery, then streams the repository to GenerateManifest with Argo CD's environment.
func generate(t *testing.T, repo, app string) ([]string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	env := argoEnv(repo, app)
	conn, client, err := discovery.DetectConfigManagementPlugin(ctx, app, repo, "", env, nil)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	defer utilio.Close(conn)
	stream, err := client.GenerateManifest(ctx, grpcretry.Disable())
	if err != nil {
		t.Fatal(err)
	}
	if err := cmp.SendRepoStream(stream.Context(), app, repo, stream, env, nil); err != nil {
		t.Fatalf("sending the repository: %v", err)
	}
	response, err := stream.CloseAndRecv()
	return response.GetManifests(), err
}

// argoEnv is the environment the repo-server gives a plugin (newEnv and getPluginEnvs in
// reposerver/repository), with an Application plugin env entry FOO.
func argoEnv(repo, app string) []string {
	path, _ := filepath.Rel(repo, app)
	return []string{
		"ARGOCD_APP_NAME=" + filepath.Base(filepath.Dir(app)),
		"ARGOCD_APP_NAMESPACE=argocd",
		"ARGOCD_APP_PROJECT_NAME=default",
		"ARGOCD_APP_REVISION=" + revision,
		"ARGOCD_APP_REVISION_SHORT=" + revision[:7],
		"ARGOCD_APP_REVISION_SHORT_8=" + revision[:8],
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/apps.git",
		"ARGOCD_APP_SOURCE_PATH=" + path,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD",
		"KUBE_VERSION=1.33.0",
		"KUBE_API_VERSIONS=v1,apps/v1,batch/v1",
		"ARGOCD_ENV_FOO=bar",
	}
}

// examplesRoot is the repository's examples/, absolute.
func examplesRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join(repoRoot, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// examples lists the examples that have both forms.
func examples(t *testing.T) []string {
	t.Helper()
	kptfiles, err := filepath.Glob(filepath.Join(examplesRoot(t), "*", "package", "Kptfile"))
	if err != nil || len(kptfiles) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	var dirs []string
	for _, kptfile := range kptfiles {
		dir := filepath.Dir(filepath.Dir(kptfile))
		if _, err := os.Stat(filepath.Join(dir, "kustomize", "kustomization.yaml")); err == nil {
			dirs = append(dirs, dir)
		}
	}
	return dirs
}

// copyExample copies an example into a fresh repository, keeping its relative paths
// (kustomize/ names ../package), and returns the repository and the copy.
func copyExample(t *testing.T, example string) (repo, copied string) {
	t.Helper()
	repo = t.TempDir()
	copied = filepath.Join(repo, "examples", filepath.Base(example))
	if err := os.CopyFS(copied, os.DirFS(example)); err != nil {
		t.Fatal(err)
	}
	return repo, copied
}

// pipelineApp turns a copied example's package into an application of manifests and one
// Pipeline config whose steps are the Kptfile mutators' configs, and returns it.
func pipelineApp(t *testing.T, copied string) string {
	t.Helper()
	pkg := filepath.Join(copied, "package")
	kptfile, err := yaml.ReadFile(filepath.Join(pkg, "Kptfile"))
	if err != nil {
		t.Fatal(err)
	}
	mutators, err := kptfile.Pipe(yaml.Lookup("pipeline", "mutators"))
	if err != nil || mutators == nil {
		t.Fatalf("%s/Kptfile has no mutators: %v", pkg, err)
	}
	steps := yaml.NewListRNode()
	for _, m := range mutators.Content() {
		config, err := yaml.ReadFile(filepath.Join(pkg, yaml.GetValue(yaml.NewRNode(m).Field("configPath").Value)))
		if err != nil {
			t.Fatal(err)
		}
		steps.YNode().Content = append(steps.YNode().Content, config.YNode())
	}
	pipeline := yaml.MustParse("apiVersion: fn.unbake.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: app\n" +
		"  annotations:\n    config.kubernetes.io/local-config: \"true\"\nspec: {}\n")
	if err := pipeline.PipeE(yaml.Lookup("spec"), yaml.SetField("steps", steps)); err != nil {
		t.Fatal(err)
	}
	if err := yaml.WriteFile(pipeline, filepath.Join(pkg, "pipeline.yaml")); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"Kptfile", "kustomization.yaml"} {
		if err := os.Remove(filepath.Join(pkg, f)); err != nil {
			t.Fatal(err)
		}
	}
	return pkg
}

// writeFiles writes files (path: content) under dir and returns dir.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	for path, content := range files {
		path = filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// editYAML rewrites the YAML file at path through filters.
func editYAML(t *testing.T, path string, filters ...yaml.Filter) {
	t.Helper()
	node, err := yaml.ReadFile(path)
	if err == nil {
		err = node.PipeE(filters...)
	}
	if err == nil {
		err = yaml.WriteFile(node, path)
	}
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func readGolden(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return canonical(t, string(data))
}

// find is the object of kind and name among objects.
func find(t *testing.T, objects []*yaml.RNode, kind, name string) *yaml.RNode {
	t.Helper()
	for _, o := range objects {
		if o.GetKind() == kind && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("no %s %s among the manifests", kind, name)
	return nil
}

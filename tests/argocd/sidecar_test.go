package argocd

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/kio"
	sigsyaml "sigs.k8s.io/yaml"
)

const (
	argoCDModule = "github.com/argoproj/argo-cd/v3"
	// installURL is the install manifest pipeline/argocd/kustomization.yaml builds on,
	// for the version in go.mod (%s).
	installURL = "https://raw.githubusercontent.com/argoproj/argo-cd/%s/manifests/install.yaml"
	// The sidecar contract of Argo CD's config management plugin docs.
	cmpServerPath  = "/var/run/argocd/argocd-cmp-server"
	pluginsDir     = "/home/argocd/cmp-server/plugins"
	pluginConfig   = "/home/argocd/cmp-server/config/plugin.yaml"
	argoCDUser     = 999
	sidecarName    = "unbake"
	repoServerName = "argocd-repo-server"
)

// TestSidecarPatch builds pipeline/argocd/kustomization.yaml with the real kustomize on
// the real install manifest of the Argo CD version that argocd-cmp-server is built from
// (its module, from the module proxy, ships manifests/install.yaml; the URL the
// kustomization names cannot be fetched here), and checks the repo-server's sidecar
// against Argo CD's plugin docs and against what the plugin server tests run.
func TestSidecarPatch(t *testing.T) {
	version, moduleDir := argoCDModuleDir(t)
	overlay := filepath.Join(t.TempDir(), "argocd")
	if err := os.CopyFS(overlay, os.DirFS(filepath.Join(repoRoot, "pipeline", "argocd"))); err != nil {
		t.Fatal(err)
	}
	kustomization := filepath.Join(overlay, "kustomization.yaml")
	text, err := os.ReadFile(kustomization)
	if err != nil {
		t.Fatal(err)
	}
	url := strings.Replace(installURL, "%s", version, 1)
	if !bytes.Contains(text, []byte(url)) {
		t.Fatalf("%s does not install %s, the Argo CD version these tests run (go.mod)", kustomization, url)
	}
	install, err := os.ReadFile(filepath.Join(moduleDir, "manifests", "install.yaml"))
	if err == nil {
		err = os.WriteFile(filepath.Join(overlay, "install.yaml"), install, 0o644)
	}
	if err == nil {
		err = os.WriteFile(kustomization, bytes.Replace(text, []byte(url), []byte("install.yaml"), 1), 0o644)
	}
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(kustomize, "build", overlay).Output()
	if err != nil {
		t.Fatalf("kustomize build %s: %v\n%s", overlay, err, stderrOf(err))
	}

	deployment, configMaps := repoServer(t, out)
	spec := deployment.Spec.Template.Spec
	repo, sidecar := container(t, spec.Containers, repoServerName), container(t, spec.Containers, sidecarName)
	volumes := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v
	}
	for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
		for _, m := range c.VolumeMounts {
			if _, ok := volumes[m.Name]; !ok {
				t.Errorf("container %s mounts volume %s, which the pod does not have", c.Name, m.Name)
			}
		}
	}

	if !slices.Equal(sidecar.Command, []string{cmpServerPath}) {
		t.Errorf("the sidecar runs %v, want [%s]", sidecar.Command, cmpServerPath)
	}
	if sc := sidecar.SecurityContext; sc == nil || sc.RunAsUser == nil || *sc.RunAsUser != argoCDUser {
		t.Errorf("the sidecar must run as uid %d: %+v", argoCDUser, sc)
	}
	// argocd-cmp-server comes from the install's copyutil init container.
	copyutil := container(t, spec.InitContainers, "copyutil")
	if !slices.Contains(copyutil.Command, cmpServerPath) ||
		mountOf(t, copyutil, filepath.Dir(cmpServerPath)).Name != mountOf(t, sidecar, filepath.Dir(cmpServerPath)).Name {
		t.Errorf("the sidecar does not get %s from the copyutil init container", cmpServerPath)
	}
	if mountOf(t, repo, pluginsDir).Name != mountOf(t, sidecar, pluginsDir).Name {
		t.Errorf("the sidecar's %s is not the repo-server's", pluginsDir)
	}
	if tmp := mountOf(t, sidecar, "/tmp"); tmp.Name == mountOf(t, repo, "/tmp").Name || volumes[tmp.Name].EmptyDir == nil {
		t.Errorf("the sidecar's /tmp must be an emptyDir of its own, not the repo-server's: %+v", volumes[tmp.Name])
	}

	// plugin.yaml is the file the plugin server tests run with.
	config := mountOf(t, sidecar, pluginConfig)
	source := volumes[config.Name].ConfigMap
	want, err := os.ReadFile(filepath.Join(repoRoot, "pipeline", "argocd", "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if source == nil || config.SubPath != "plugin.yaml" || configMaps[source.Name].Data["plugin.yaml"] != string(want) {
		t.Errorf("%s is not pipeline/argocd/plugin.yaml from a ConfigMap (volume %s: %+v)", pluginConfig, config.Name, volumes[config.Name])
	}

	// The sidecar's PATH: kustomize, copied by an init container from the repo-server's
	// image into a volume on it, and the unbake image's /ko-app/unbake.
	copier := container(t, spec.InitContainers, "unbake-kustomize")
	if copier.Image != repo.Image {
		t.Errorf("kustomize is copied from %s, not from the repo-server's image %s", copier.Image, repo.Image)
	}
	if len(copier.Command) == 0 {
		t.Fatal("the unbake-kustomize init container has no command")
	}
	target := copier.Command[len(copier.Command)-1]
	path := envOf(sidecar, "PATH")
	if filepath.Base(target) != "kustomize" || !slices.Contains(filepath.SplitList(path), filepath.Dir(target)) ||
		mountOf(t, copier, filepath.Dir(target)).Name != mountOf(t, sidecar, filepath.Dir(target)).Name {
		t.Errorf("kustomize, copied to %s, is not on the sidecar's PATH %q", target, path)
	}
	if !slices.Contains(filepath.SplitList(path), "/ko-app") {
		t.Errorf("the unbake image's /ko-app is not on the sidecar's PATH %q", path)
	}
}

// argoCDModuleDir is the version of Argo CD in go.mod and its directory in the module cache.
func argoCDModuleDir(t *testing.T) (version, dir string) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-json", argoCDModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v\n%s", argoCDModule, err, stderrOf(err))
	}
	var module struct{ Version, Dir string }
	if err := json.Unmarshal(out, &module); err != nil || module.Dir == "" {
		t.Fatalf("go list -m %s: %v\n%s", argoCDModule, err, out)
	}
	return module.Version, module.Dir
}

// repoServer decodes the repo-server Deployment and the ConfigMaps of a YAML stream.
func repoServer(t *testing.T, stream []byte) (*appsv1.Deployment, map[string]corev1.ConfigMap) {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatal(err)
	}
	var deployment *appsv1.Deployment
	configMaps := map[string]corev1.ConfigMap{}
	for _, n := range nodes {
		switch {
		case n.GetKind() == "Deployment" && n.GetName() == repoServerName:
			deployment = &appsv1.Deployment{}
			decode(t, n.MustString(), deployment)
		case n.GetKind() == "ConfigMap":
			var cm corev1.ConfigMap
			decode(t, n.MustString(), &cm)
			configMaps[cm.Name] = cm
		}
	}
	if deployment == nil {
		t.Fatalf("no Deployment %s in the build", repoServerName)
	}
	return deployment, configMaps
}

func decode(t *testing.T, text string, into any) {
	t.Helper()
	if err := sigsyaml.UnmarshalStrict([]byte(text), into); err != nil {
		t.Fatal(err)
	}
}

func container(t *testing.T, containers []corev1.Container, name string) corev1.Container {
	t.Helper()
	for _, c := range containers {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no container %s", name)
	return corev1.Container{}
}

// mountOf is the volume mount of c at path.
func mountOf(t *testing.T, c corev1.Container, path string) corev1.VolumeMount {
	t.Helper()
	for _, m := range c.VolumeMounts {
		if m.MountPath == path {
			return m
		}
	}
	t.Fatalf("container %s mounts nothing at %s", c.Name, path)
	return corev1.VolumeMount{}
}

func envOf(c corev1.Container, name string) string {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value
		}
	}
	return ""
}

func stderrOf(err error) string {
	if exit, ok := err.(*exec.ExitError); ok {
		return string(exit.Stderr)
	}
	return ""
}

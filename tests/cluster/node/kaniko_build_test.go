package node

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/unbake/unbake/tests/cluster"
)

// The example's placeholders that a test overlay replaces: where the build's context
// and its registry are (URLs only), and the commit, which must be one of the served
// repository's.
const (
	exampleContext  = "git://github.com/example-org/hello-app.git#refs/heads/main#5d41402abc4b2a76b9719d911017c592ae7f3c21"
	exampleRevision = "5d41402abc4b2a76b9719d911017c592ae7f3c21"
	exampleRegistry = "registry.example.com"
	// The example's Secret logs in as demo, with this password.
	registryUser, registryPassword = "demo", "not-a-real-password"
	helloPage                      = "hello from an image kaniko built in the cluster\n"
)

// Seeds 003 and 004: the kaniko Job builds the app from git with the real executor,
// pushes both tags with the credentials mounted from its Secret, and the Deployment that
// gen-kaniko-job wired runs the commit tag; the same Job without the Secret cannot push.
func TestKanikoBuild(t *testing.T) {
	registry, err := testNode.StartAuthRegistry(registryUser, registryPassword)
	if err != nil {
		t.Fatal(err)
	}
	repo, commit := helloRepository(t)
	git, err := testNode.ServeGit(map[string]string{"example-org/hello-app.git": repo})
	if err != nil {
		t.Fatal(err)
	}
	defer git.Close()

	manifests := renderKanikoOverlay(t, registry, git, commit)
	// As Argo CD's PreSync hook would have it: the build first, then what runs its image.
	job, rest := splitJob(t, manifests)
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(diagnose("hello"))
		}
	})
	kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "build.yaml", namespaceAndSecret(t, rest)+"---\n"+job))
	name := strings.TrimSpace(kubectl(t, "get", "jobs", "-n", "hello", "-o", "jsonpath={.items[0].metadata.name}"))
	kubectl(t, "wait", "-n", "hello", "job/"+name, "--for", "condition=Complete", "--timeout", "300s")

	digest := strings.TrimSpace(kubectl(t, "get", "pods", "-n", "hello", "-l", "job-name="+name, "-o",
		"jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}"))
	for _, tag := range []string{"1.0.0", commit[:12]} {
		served, err := testNode.Digest(registry, registry.Host+"/demo/hello:"+tag)
		if err != nil {
			t.Fatal(err)
		}
		if served != digest {
			t.Errorf("the registry serves %s for tag %s; the Job's termination message says %s", served, tag, digest)
		}
	}

	kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "rest.yaml", rest))
	kubectl(t, "wait", "-n", "hello", "deployment/hello", "--for", "condition=Available", "--timeout", "180s")
	wired := kubectl(t, "get", "deployment", "-n", "hello", "hello", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
	if want := registry.Host + "/demo/hello:" + commit[:12]; wired != want {
		t.Errorf("the Deployment runs %s, want the commit tag %s", wired, want)
	}
	ip := strings.TrimSpace(kubectl(t, "get", "pods", "-n", "hello", "-l", "app=hello", "-o", "jsonpath={.items[0].status.podIP}"))
	if status, body := get(t, "http://"+ip+":8080/", "", ""); status != http.StatusOK || body != helloPage {
		t.Errorf("the built app answered %d %q, want %q", status, body, helloPage)
	}
	kubectl(t, "rollout", "status", "-n", "hello", "daemonset/prepull-hello", "--timeout", "120s")
	if _, held := nodeImages(t)[wired]; !held {
		t.Errorf("the node does not hold %s after the pre-pull DaemonSet ran", wired)
	}

	// The same Job without its Secret: the registry turns the push away.
	anonymous := strings.NewReplacer("name: "+name, "name: "+name+"-anonymous", "backoffLimit: 3", "backoffLimit: 0",
		"        volumeMounts:\n        - mountPath: /kaniko/.docker\n          name: docker-config\n          readOnly: true\n", "").Replace(job)
	kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "anonymous.yaml", anonymous))
	kubectl(t, "wait", "-n", "hello", "job/"+name+"-anonymous", "--for", "condition=Failed", "--timeout", "300s")
	logs := kubectl(t, "logs", "-n", "hello", "job/"+name+"-anonymous")
	if !strings.Contains(logs, "UNAUTHORIZED") && !strings.Contains(logs, "authentication required") {
		t.Errorf("the build without the Secret failed, but not on authentication:\n%s", logs)
	}
}

// helloRepository makes the app's repository: a Dockerfile on the busybox image serving
// one page. Its commit is the same on every run (fixed names and dates).
func helloRepository(t *testing.T) (dir, commit string) {
	t.Helper()
	dir = t.TempDir()
	files := map[string]string{
		"Dockerfile": "FROM docker.io/library/busybox:1.37.0\nCOPY index.html /www/index.html\nEXPOSE 8080\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n",
		"index.html": helloPage,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	env := []string{"GIT_AUTHOR_NAME=unbake", "GIT_AUTHOR_EMAIL=tests@unbake.dev", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=unbake", "GIT_COMMITTER_EMAIL=tests@unbake.dev", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z"}
	for _, args := range [][]string{{"init", "--quiet", "--initial-branch=main"}, {"add", "."}, {"commit", "--quiet", "-m", "hello"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", args[0], err, out)
		}
	}
	out, err := exec.Command("git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatal(err)
	}
	return dir, strings.TrimSpace(string(out))
}

// renderKanikoOverlay renders the kaniko-build example with kustomize and the real
// functions, after pointing its URLs at the node's git server and registry, its commit at
// the served one, and kaniko at the node's registries over plain HTTP (the base image
// comes from the node's mirror of docker.io). The Job gets GIT_PULL_METHOD=http, which
// makes kaniko fetch git:// contexts over HTTP.
func renderKanikoOverlay(t *testing.T, registry *cluster.AuthRegistry, git *cluster.Server, commit string) string {
	t.Helper()
	pkg := filepath.Join(t.TempDir(), "package")
	if err := os.CopyFS(pkg, os.DirFS(filepath.Join("..", "..", "..", "examples", "kaniko-build", "package"))); err != nil {
		t.Fatal(err)
	}
	gitHost := strings.TrimSuffix(strings.TrimPrefix(git.URL, "http://"), "/")
	overlay := strings.NewReplacer(
		exampleContext, "git://"+gitHost+"/example-org/hello-app.git#refs/heads/main#"+commit,
		exampleRevision, commit,
		exampleRegistry, registry.Host)
	for _, file := range []string{"gen-kaniko-job.yaml", "deployment.yaml", "regcred.yaml"} {
		path := filepath.Join(pkg, file)
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := overlay.Replace(string(content))
		if file == "gen-kaniko-job.yaml" {
			text += fmt.Sprintf("  extraArgs: [--insecure-registry=%s, --insecure-registry=%s, --registry-mirror=%s]\n",
				registry.Host, testNode.Registry, testNode.Registry)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(kustomize, "build", "--enable-alpha-plugins", "--enable-exec", pkg)
	cmd.Env = append(os.Environ(), "PATH="+unbakeBin+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("kustomize build: %v\n%s", err, err.(*exec.ExitError).Stderr)
	}
	const executor = "        image: ghcr.io/osscontainertools/kaniko:"
	if !strings.Contains(string(out), executor) {
		t.Fatalf("no kaniko container in the rendering:\n%s", out)
	}
	return strings.Replace(string(out), executor, "        env:\n        - name: GIT_PULL_METHOD\n          value: http\n"+executor, 1)
}

// splitJob separates the Job from the other objects of a rendering.
func splitJob(t *testing.T, manifests string) (job, rest string) {
	t.Helper()
	var others []string
	for _, doc := range strings.Split(manifests, "\n---\n") {
		if strings.Contains(doc, "\nkind: Job\n") {
			job = doc + "\n"
			continue
		}
		others = append(others, doc)
	}
	if job == "" {
		t.Fatalf("no Job in the rendering:\n%s", manifests)
	}
	return job, strings.Join(others, "\n---\n")
}

// namespaceAndSecret are the objects of rest the build needs.
func namespaceAndSecret(t *testing.T, rest string) string {
	t.Helper()
	var needed []string
	for _, doc := range strings.Split(rest, "\n---\n") {
		if strings.Contains(doc, "\nkind: Namespace\n") || strings.Contains(doc, "\nkind: Secret\n") {
			needed = append(needed, doc)
		}
	}
	return strings.Join(needed, "\n---\n") + "\n"
}

func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

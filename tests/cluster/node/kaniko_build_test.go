package node

import (
	"encoding/json"
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
// gen-kaniko-job wired runs the commit tag, pulled with the read-only Secret; the image
// carries the OCI revision and source labels. A new commit renders to a new Job and tag,
// and the Deployment rolls to it; the Argo CD PreSync variant and a context on a
// PersistentVolumeClaim build too; the same Job without the Secret cannot push.
func TestKanikoBuild(t *testing.T) {
	registry, err := testNode.StartAuthRegistry(registryUser, registryPassword)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Log(diagnose("hello"))
		}
	})
	repo, commit := helloRepository(t, helloPage)
	first := overlay{registry: registry, git: serveRepository(t, repo), commit: commit}
	job := first.buildAndRun(t, helloPage)

	const nextPage = "hello again, from the next commit\n"
	next := first
	next.commit = commitPage(t, repo, nextPage)
	next.git = serveRepository(t, repo)
	t.Run("a new commit", func(t *testing.T) {
		if again := next.buildAndRun(t, nextPage); jobName(t, again) == jobName(t, job) {
			t.Errorf("the new commit rendered the same Job name %s", jobName(t, again))
		}
	})
	t.Run("Argo CD PreSync hook", func(t *testing.T) {
		hook := first
		hook.config = "  argocdHook: PreSync\n"
		hooked := hook.buildAndRun(t, helloPage)
		if !strings.Contains(hooked, "argocd.argoproj.io/hook: PreSync") {
			t.Errorf("the PreSync variant's Job is no PreSync hook:\n%s", hooked)
		}
	})
	t.Run("workspace claim context", func(t *testing.T) {
		// The claim holds the repository's files at the next commit.
		claim := next
		claim.context = "dir:///workspace"
		claim.config = "  workspace: {claimName: hello-context}\n"
		kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "claim.yaml", contextClaim(t, repo)))
		claim.buildAndRun(t, nextPage)
	})
	t.Run("without the Secret", func(t *testing.T) {
		name := jobName(t, job)
		anonymous := strings.NewReplacer("name: "+name, "name: "+name+"-anonymous", "backoffLimit: 3", "backoffLimit: 0",
			"        volumeMounts:\n        - mountPath: /kaniko/.docker\n          name: docker-config\n          readOnly: true\n", "").Replace(job)
		kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "anonymous.yaml", anonymous))
		kubectl(t, "wait", "-n", "hello", "job/"+name+"-anonymous", "--for", "condition=Failed", "--timeout", "300s")
		logs := kubectl(t, "logs", "-n", "hello", "job/"+name+"-anonymous")
		if !strings.Contains(logs, "UNAUTHORIZED") && !strings.Contains(logs, "authentication required") {
			t.Errorf("the build without the Secret failed, but not on authentication:\n%s", logs)
		}
	})
}

// overlay is a rendering of the kaniko-build example for the node: its URLs point at the
// node's git server and registry, its commit at the served one.
type overlay struct {
	registry *cluster.AuthRegistry
	git      *cluster.Server
	commit   string
	// context replaces the git context when given; config is added to the KanikoJob's spec.
	context, config string
}

// buildAndRun renders, applies the Job first, as Argo CD does with a PreSync hook, checks
// what it pushed, then applies the rest: the Deployment must run the commit tag and
// serve page, and the node must hold the image. It returns the Job's manifest.
func (o overlay) buildAndRun(t *testing.T, page string) string {
	t.Helper()
	job, rest := splitJob(t, o.render(t))
	name := jobName(t, job)
	kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "build.yaml", namespaceAndSecret(t, rest)+"---\n"+job))
	kubectl(t, "wait", "-n", "hello", "job/"+name, "--for", "condition=Complete", "--timeout", "300s")

	digest := strings.TrimSpace(kubectl(t, "get", "pods", "-n", "hello", "-l", "job-name="+name, "-o",
		"jsonpath={.items[0].status.containerStatuses[0].state.terminated.message}"))
	tag := o.registry.Host + "/demo/hello:" + o.commit[:12]
	for _, ref := range []string{o.registry.Host + "/demo/hello:1.0.0", tag} {
		served, err := testNode.Digest(o.registry, ref)
		if err != nil {
			t.Fatal(err)
		}
		if served != digest {
			t.Errorf("the registry serves %s for %s; the Job's termination message says %s", served, ref, digest)
		}
	}

	o.checkLabels(t, tag)

	kubectl(t, "apply", "--server-side", "-f", writeTemp(t, "rest.yaml", rest))
	kubectl(t, "rollout", "status", "-n", "hello", "deployment/hello", "--timeout", "180s")
	if wired := kubectl(t, "get", "deployment", "-n", "hello", "hello", "-o", "jsonpath={.spec.template.spec.containers[0].image}"); wired != tag {
		t.Errorf("the Deployment runs %s, want the commit tag %s", wired, tag)
	}
	// The pods of the rollout: the old ones may still be on their way out.
	pods := kubectl(t, "get", "pods", "-n", "hello", "-l", "app=hello", "-o",
		`jsonpath={range .items[*]}{.status.podIP} {.spec.containers[0].image} {.metadata.deletionTimestamp}{"\n"}{end}`)
	served := 0
	for _, pod := range strings.Split(pods, "\n") {
		if fields := strings.Fields(pod); len(fields) == 2 && fields[1] == tag {
			served++
			if status, body := get(t, "http://"+fields[0]+":8080/", "", ""); status != http.StatusOK || body != page {
				t.Errorf("the built app at %s answered %d %q, want %q", fields[0], status, body, page)
			}
		}
	}
	if served == 0 {
		t.Errorf("no pod runs %s:\n%s", tag, pods)
	}
	kubectl(t, "rollout", "status", "-n", "hello", "daemonset/prepull-hello", "--timeout", "120s")
	if _, held := nodeImages(t)[tag]; !held {
		t.Errorf("the node does not hold %s after the pre-pull DaemonSet ran", tag)
	}
	return job
}

// checkLabels reads the pushed image's config: the executor set the OCI labels the Job's
// arguments name, the commit it was built from, and the repository for a git context.
func (o overlay) checkLabels(t *testing.T, ref string) {
	t.Helper()
	if _, err := testNode.Digest(o.registry, ref); err != nil { // writes the client's login
		t.Fatal(err)
	}
	cmd := exec.Command(os.Getenv("CRANE"), "config", ref)
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+filepath.Join(testNode.Dir, "auth-registry", "client"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("crane config %s: %v\n%s", ref, err, out)
	}
	var config struct {
		Config struct{ Labels map[string]string } `json:"config"`
	}
	if err := json.Unmarshal(out, &config); err != nil {
		t.Fatalf("crane config %s: %v\n%s", ref, err, out)
	}
	labels := config.Config.Labels
	if got := labels["org.opencontainers.image.revision"]; got != o.commit {
		t.Errorf("%s: label org.opencontainers.image.revision %q, want the commit %s", ref, got, o.commit)
	}
	source := "https://" + strings.TrimSuffix(strings.TrimPrefix(o.git.URL, "http://"), "/") + "/example-org/hello-app.git"
	if o.context != "" {
		source = "" // a dir:// context is a path in the build pod: no source label
	}
	if got := labels["org.opencontainers.image.source"]; got != source {
		t.Errorf("%s: label org.opencontainers.image.source %q, want %q", ref, got, source)
	}
}

func jobName(t *testing.T, job string) string {
	t.Helper()
	for _, line := range strings.Split(job, "\n") {
		if name, ok := strings.CutPrefix(line, "  name: "); ok {
			return name
		}
	}
	t.Fatalf("no name in the Job:\n%s", job)
	return ""
}

func serveRepository(t *testing.T, repo string) *cluster.Server {
	t.Helper()
	git, err := testNode.ServeGit(map[string]string{"example-org/hello-app.git": repo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { git.Close() })
	return git
}

// contextClaim is a PersistentVolume on the node's disk that holds the app's build
// context, and the claim the KanikoJob mounts at /workspace.
func contextClaim(t *testing.T, repo string) string {
	t.Helper()
	dir := filepath.Join(testNode.Dir, "context-volume")
	if err := os.CopyFS(dir, os.DirFS(repo)); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf(`apiVersion: v1
kind: PersistentVolume
metadata: {name: hello-context}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  hostPath: {path: %q, type: Directory}
  claimRef: {namespace: hello, name: hello-context}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: hello-context, namespace: hello}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: ""
  volumeName: hello-context
  resources: {requests: {storage: 1Gi}}
`, dir)
}

// helloRepository makes the app's repository: a Dockerfile on the busybox image serving
// one page. Its commit is the same on every run (fixed names and dates).
func helloRepository(t *testing.T, page string) (dir, commit string) {
	t.Helper()
	dir = t.TempDir()
	dockerfile := "FROM docker.io/library/busybox:1.37.0\nCOPY index.html /www/index.html\nEXPOSE 8080\nCMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(dockerfile), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "init", "--quiet", "--initial-branch=main")
	return dir, commitPage(t, dir, page)
}

// commitPage commits index.html with page on main, and returns the commit.
func commitPage(t *testing.T, dir, page string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", ".")
	git(t, dir, "commit", "--quiet", "-m", "page: "+strings.TrimSpace(page))
	return git(t, dir, "rev-parse", "HEAD")
}

// git runs git in dir as a fixed author at a fixed time, so commits are the same on every run.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=unbake", "GIT_AUTHOR_EMAIL=tests@unbake.dev", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=unbake", "GIT_COMMITTER_EMAIL=tests@unbake.dev", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// render renders the kaniko-build example with kustomize and the real functions, after
// pointing its URLs at the node's git server and registry, its commit at the served one,
// and kaniko at the node's registries over plain HTTP (the base image comes from the
// node's mirror of docker.io). The Job gets GIT_PULL_METHOD=http, which makes kaniko
// fetch git:// contexts over HTTP.
func (o overlay) render(t *testing.T) string {
	t.Helper()
	registry, git, commit := o.registry, o.git, o.commit
	pkg := filepath.Join(t.TempDir(), "package")
	if err := os.CopyFS(pkg, os.DirFS(filepath.Join("..", "..", "..", "examples", "kaniko-build", "package"))); err != nil {
		t.Fatal(err)
	}
	gitHost := strings.TrimSuffix(strings.TrimPrefix(git.URL, "http://"), "/")
	context := "git://" + gitHost + "/example-org/hello-app.git#refs/heads/main#" + commit
	if o.context != "" {
		context = o.context
	}
	overlay := strings.NewReplacer(exampleContext, context, exampleRevision, commit, exampleRegistry, registry.Host)
	for _, file := range []string{"gen-kaniko-job.yaml", "deployment.yaml", "regcred.yaml"} {
		path := filepath.Join(pkg, file)
		content, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := overlay.Replace(string(content))
		if file == "gen-kaniko-job.yaml" {
			mirror := fmt.Sprintf(", --insecure-registry=%s, --registry-mirror=%s", testNode.Registry, testNode.Registry)
			if testNode.Upstream() {
				mirror = "" // the base image comes from Docker Hub itself
			}
			text += fmt.Sprintf("  extraArgs: [--insecure-registry=%s%s]\n", registry.Host, mirror) + o.config
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

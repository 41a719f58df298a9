package initchain

import (
	"fmt"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/fnconfigs"
)

// TestGitCloneWithRealGit runs the gitClone step's command with the real git against a
// local repository, as a pod would on its first start and after restarts.
func TestGitCloneWithRealGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	root := t.TempDir()
	upstream := filepath.Join(root, "upstream")
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	commit := func(content string) string {
		t.Helper()
		require.NoError(t, os.WriteFile(filepath.Join(upstream, "app.py"), []byte(content), 0o644))
		git(upstream, "add", "app.py")
		git(upstream, "commit", "--quiet", "-m", content)
		return git(upstream, "rev-parse", "HEAD")
	}
	require.NoError(t, os.MkdirAll(upstream, 0o755))
	git(upstream, "init", "--quiet", "--initial-branch=main")
	first := commit("v1")
	git(upstream, "tag", "-a", "v1.0", "-m", "v1.0")
	second := commit("v2")

	workspace := filepath.Join(root, "workspace")
	spec := &fnconfigs.InitChainSpec{WorkspacePath: workspace}
	checkout := func(revision string) (string, error) {
		t.Helper()
		command, args := gitCloneCommand(spec, &fnconfigs.InitChainGitClone{Repo: upstream, Revision: revision})
		argv := kubeletExpand(append(command, args...), nil)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	head := func() string { return git(workspace, "rev-parse", "HEAD") }

	for _, c := range []struct{ revision, want string }{
		{first, first},      // a commit, into the empty volume
		{first, first},      // a restart: fetch, same commit
		{"v1.0", first},     // an annotated tag, peeled to its commit
		{"main", second},    // a branch
		{second, second},    // a commit again
		{first[:12], first}, // an abbreviated commit
	} {
		out, err := checkout(c.revision)
		require.NoError(t, err, "revision %s: %s", c.revision, out)
		require.Equal(t, c.want, head(), "revision %s", c.revision)
		content, err := os.ReadFile(filepath.Join(workspace, "app.py"))
		require.NoError(t, err)
		require.Equal(t, map[string]string{first: "v1", second: "v2"}[c.want], string(content))
	}

	// The branch moves upstream: the next start gets the new commit.
	third := commit("v3")
	out, err := checkout("main")
	require.NoError(t, err, out)
	require.Equal(t, third, head())

	// Files a later step made (a venv) survive the checkout of a restart.
	require.NoError(t, os.MkdirAll(filepath.Join(workspace, "venv"), 0o755))
	out, err = checkout(first)
	require.NoError(t, err, out)
	require.DirExists(t, filepath.Join(workspace, "venv"))

	out, err = checkout("no-such-branch")
	require.Error(t, err)
	require.Contains(t, out, "has no tag, branch or commit no-such-branch")
}

// TestPipWithRealPython runs the pip step's command with the real python3: the first
// start makes the venv, a restart reuses it.
func TestPipWithRealPython(t *testing.T) {
	if err := exec.Command("python3", "-c", "import venv, ensurepip").Run(); err != nil {
		t.Skip("no python3 with venv and ensurepip")
	}
	workspace := t.TempDir()
	// An empty requirements file: pip runs, from the venv, without the network.
	require.NoError(t, os.WriteFile(filepath.Join(workspace, "requirements.txt"), nil, 0o644))
	spec := &fnconfigs.InitChainSpec{WorkspacePath: workspace}
	command, args := pipCommand(spec, &fnconfigs.InitChainPip{Venv: "python/venv", Requirements: "requirements.txt"})
	argv := kubeletExpand(append(command, args...), nil)
	pip := filepath.Join(workspace, "python", "venv", "bin", "pip")
	var made os.FileInfo
	for start := range 2 {
		out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
		require.NoError(t, err, "start %d: %s", start, out)
		info, err := os.Stat(pip)
		require.NoError(t, err, "start %d: no venv", start)
		if made == nil {
			made = info
		}
		require.Equal(t, made.ModTime(), info.ModTime(), "a restart made the venv again")
	}
}

// gitEnv is the environment of the real git in these tests: no user configuration, an
// identity for commits, and the given configuration (GIT_CONFIG_COUNT).
func gitEnv(config ...string) []string {
	env := append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", fmt.Sprintf("GIT_CONFIG_COUNT=%d", len(config)/2))
	for i := 0; i+1 < len(config); i += 2 {
		env = append(env, fmt.Sprintf("GIT_CONFIG_KEY_%d=%s", i/2, config[i]), fmt.Sprintf("GIT_CONFIG_VALUE_%d=%s", i/2, config[i+1]))
	}
	return env
}

// TestGitCloneShallowWithRealGit: a commit fetched alone, one commit deep; from a server
// that refuses commits it does not advertise (protocol v0 without allowAnySHA1InWant), the
// whole history; a restart without the network; sparse directories and submodules.
func TestGitCloneShallowWithRealGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git on PATH")
	}
	root := t.TempDir()
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = gitEnv("protocol.file.allow", "always")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
		return strings.TrimSpace(string(out))
	}
	repo := func(name string, files ...string) string {
		dir := filepath.Join(root, name)
		require.NoError(t, os.MkdirAll(dir, 0o755))
		git(dir, "init", "--quiet", "--initial-branch=main")
		for _, f := range files {
			require.NoError(t, os.MkdirAll(filepath.Join(dir, filepath.Dir(f)), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte(f), 0o644))
			git(dir, "add", f)
			git(dir, "commit", "--quiet", "-m", f)
		}
		return dir
	}
	sub := repo("sub", "lib.py")
	upstream := repo("upstream", "README", "python/app.py", "docs/index.md")
	git(upstream, "submodule", "--quiet", "add", "file://"+sub, "vendor/sub")
	git(upstream, "commit", "--quiet", "-m", "submodule")
	pinned := git(upstream, "rev-parse", "HEAD~1") // not a branch's tip
	git(upstream, "config", "uploadpack.allowAnySHA1InWant", "false")
	git(upstream, "config", "uploadpack.allowReachableSHA1InWant", "false")

	checkout := func(workspace string, clone fnconfigs.InitChainGitClone, config ...string) string {
		t.Helper()
		command, args := gitCloneCommand(&fnconfigs.InitChainSpec{WorkspacePath: workspace}, &clone)
		argv := kubeletExpand(append(command, args...), nil)
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Env = gitEnv(append([]string{"protocol.file.allow", "always"}, config...)...)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		return string(out)
	}
	url := "file://" + upstream
	one := int32(1)

	// Protocol v2 lets the client want any commit: fetched alone, one commit deep.
	shallow := filepath.Join(root, "shallow")
	out := checkout(shallow, fnconfigs.InitChainGitClone{Repo: url, Revision: pinned, Depth: &one})
	require.NotContains(t, out, "fetching every branch")
	require.Equal(t, pinned, git(shallow, "rev-parse", "HEAD"))
	require.Equal(t, "1", git(shallow, "rev-list", "--count", "HEAD"))
	require.FileExists(t, filepath.Join(shallow, ".git", "shallow"))

	// A restart has the commit: no fetch, so no server needed.
	out = checkout(shallow, fnconfigs.InitChainGitClone{Repo: "file://" + filepath.Join(root, "gone"), Revision: pinned, Depth: &one})
	require.Empty(t, out)
	require.Equal(t, pinned, git(shallow, "rev-parse", "HEAD"))

	// Protocol v0 and a server that refuses unadvertised commits: the whole history.
	full := filepath.Join(root, "full")
	out = checkout(full, fnconfigs.InitChainGitClone{Repo: url, Revision: pinned, Depth: &one}, "protocol.version", "0")
	require.Contains(t, out, "fetching every branch and tag")
	require.Equal(t, pinned, git(full, "rev-parse", "HEAD"))
	require.Equal(t, "3", git(full, "rev-list", "--count", "HEAD"))
	require.NoFileExists(t, filepath.Join(full, ".git", "shallow"))

	// Sparse directories and submodules, on a branch.
	sparse := filepath.Join(root, "sparse")
	checkout(sparse, fnconfigs.InitChainGitClone{Repo: url, Revision: "main", Depth: &one, Sparse: []string{"python", "vendor"}, Submodules: true})
	for _, f := range []string{"README", "python/app.py", "vendor/sub/lib.py"} {
		require.FileExists(t, filepath.Join(sparse, f))
	}
	require.NoDirExists(t, filepath.Join(sparse, "docs"))
	require.Equal(t, "1", git(filepath.Join(sparse, "vendor", "sub"), "rev-list", "--count", "HEAD"))
	// Restarted, it is the same.
	checkout(sparse, fnconfigs.InitChainGitClone{Repo: url, Revision: "main", Depth: &one, Sparse: []string{"python", "vendor"}, Submodules: true})
	require.FileExists(t, filepath.Join(sparse, "vendor/sub/lib.py"))
	require.NoDirExists(t, filepath.Join(sparse, "docs"))
}

// TestGitCloneTokenWithRealGit: the real git, against git http-backend behind basic
// auth, gets the user name and the token from the files, through GIT_ASKPASS; the URL
// and the pod spec never hold the token.
func TestGitCloneTokenWithRealGit(t *testing.T) {
	execPath, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		t.Skip("no git on PATH")
	}
	root := t.TempDir()
	upstream := filepath.Join(root, "repos", "app.git")
	for _, args := range [][]string{{"init", "--quiet", "--initial-branch=main", upstream}, {"-C", upstream, "commit", "--quiet", "--allow-empty", "-m", "one"}} {
		cmd := exec.Command("git", args...)
		cmd.Env = gitEnv()
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	const user, token = "deploy", "glpat-s3cr3t"
	backend := &cgi.Handler{Path: filepath.Join(strings.TrimSpace(string(execPath)), "git-http-backend"),
		Env: []string{"GIT_PROJECT_ROOT=" + filepath.Join(root, "repos"), "GIT_HTTP_EXPORT_ALL=1"}}
	asked := 0
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != user || p != token {
			asked++
			w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		backend.ServeHTTP(w, r)
	}))
	defer server.Close()

	secret := filepath.Join(root, "secret")
	require.NoError(t, os.MkdirAll(secret, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(secret, "username"), []byte(user+"\n"), 0o400))
	require.NoError(t, os.WriteFile(filepath.Join(secret, "password"), []byte(token+"\n"), 0o400))
	workspace := filepath.Join(root, "workspace")
	command, args := gitCloneCommand(&fnconfigs.InitChainSpec{WorkspacePath: workspace},
		&fnconfigs.InitChainGitClone{Repo: server.URL + "/app.git", Revision: "main"})
	require.NotContains(t, strings.Join(append(command, args...), " "), token)
	argv := kubeletExpand(append(command, args...), nil)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(gitEnv(), "UNBAKE_GIT_USERNAME_FILE="+filepath.Join(secret, "username"),
		"UNBAKE_GIT_PASSWORD_FILE="+filepath.Join(secret, "password"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.NotZero(t, asked, "the server never asked for credentials: the test proves nothing")
	require.FileExists(t, filepath.Join(workspace, ".git", "HEAD"))
	config, err := os.ReadFile(filepath.Join(workspace, ".git", "config"))
	require.NoError(t, err)
	require.NotContains(t, string(config), token)
}

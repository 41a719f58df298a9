package initchain

import (
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

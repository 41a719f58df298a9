package initchain

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/fnconfigs"
)

// hostile is a value that breaks out of any shell text it would be pasted into: quotes,
// a command substitution, a command separator, a newline, and a $(VAR) reference the
// kubelet would expand from the container's env.
const hostile = `a'b"c$(touch pwned-subst)d;touch pwned-semicolon` + "\n" + `touch pwned-newline $(PWNED) $$ $`

// stub records its name and arguments, NUL-separated, one call per \001, in $STUB_LOG;
// what a call reads from stdin (--stdin) is recorded as one more argument, without its
// last line break. As python3 -m
// venv DIR, it also makes DIR/bin/pip, a copy of the pip stub; as git init, .git. A call
// whose arguments contain one of the |-separated patterns of $STUB_FAIL fails. With
// $STUB_ASKPASS set, git fetch asks $GIT_ASKPASS for a user name and a password, as git
// does, and records the answers as a call of askpass.
const stub = `#!/bin/sh
args="$*"
case $args in
  *--stdin*) stdin=` + "`cat`" + `; set -- "$@" "$stdin" ;;
esac
{ printf '%s\0' "${0##*/}" "$@"; printf '\001'; } >> "$STUB_LOG"
if [ "${0##*/}" = python3 ] && [ "$1" = -m ] && [ "$2" = venv ]; then
  mkdir -p "$3/bin" && cp "$STUB_DIR/pip" "$3/bin/pip"
fi
if [ "${0##*/}" = git ] && [ "$1" = init ]; then
  mkdir .git
fi
if [ -n "${STUB_ASKPASS:-}" ] && [ "${0##*/}" = git ]; then
  case $args in
    *" fetch "*)
      user=` + "`\"$GIT_ASKPASS\" \"Username for 'https://example.com': \"`" + `
      password=` + "`\"$GIT_ASKPASS\" \"Password for 'https://$user@example.com': \"`" + `
      { printf '%s\0' askpass "$user" "$password"; printf '\001'; } >> "$STUB_LOG" ;;
  esac
fi
IFS='|'
for pattern in ${STUB_FAIL:-}; do
  case $args in
    *"$pattern"*) exit 1 ;;
  esac
done
exit 0
`

// podEnv is the env of the step in these tests, for the kubelet's $(VAR) expansion.
var podEnv = map[string]string{"PWNED": "expanded-by-the-kubelet"}

// shells are the POSIX shells found on this machine: the steps' images have dash
// (Debian), BusyBox ash (Alpine) or bash.
func shells(t *testing.T) [][]string {
	var found [][]string
	for _, sh := range [][]string{{"sh"}, {"dash"}, {"bash", "--posix"}, {"busybox", "sh"}} {
		if _, err := exec.LookPath(sh[0]); err == nil {
			found = append(found, sh)
		}
	}
	require.NotEmpty(t, found, "no sh on PATH")
	return found
}

// sandbox is a directory with the stubs, a log, and a working directory.
type sandbox struct {
	root, stubs, log, work string
}

func newSandbox(t *testing.T) *sandbox {
	root := t.TempDir()
	s := &sandbox{root: root, stubs: filepath.Join(root, "stubs"), log: filepath.Join(root, "calls"), work: filepath.Join(root, "work")}
	require.NoError(t, os.MkdirAll(s.stubs, 0o755))
	require.NoError(t, os.MkdirAll(s.work, 0o755))
	for _, name := range []string{"git", "python3", "pip", "curl"} {
		require.NoError(t, os.WriteFile(filepath.Join(s.stubs, name), []byte(stub), 0o755))
	}
	return s
}

// run runs argv (after the kubelet's expansion when expand is set) in the sandbox and
// returns the stubs' calls. Only the stubs come before the system's own directories on
// PATH, and no real git, python3, pip or curl is reachable.
func (s *sandbox) run(t *testing.T, shell, argv []string, env ...string) ([][]string, string, error) {
	t.Helper()
	require.NoError(t, os.RemoveAll(s.log))
	// argv[0] is "sh": run it with the shell under test.
	cmd := exec.Command(shell[0], append(shell[1:], argv[1:]...)...)
	cmd.Dir = s.work
	cmd.Env = append([]string{"PATH=" + s.stubs + ":" + systemPath(t), "STUB_LOG=" + s.log, "STUB_DIR=" + s.stubs}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return s.calls(t), stderr.String(), err
}

// systemPath is a PATH with the basic utilities (mkdir, ls, grep, sleep) but none of the
// stubbed programs.
func systemPath(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "bin")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, tool := range []string{"mkdir", "ls", "grep", "sleep", "cp", "cat", "chmod", "sh", "dash", "bash", "busybox"} {
		if p, err := exec.LookPath(tool); err == nil {
			require.NoError(t, os.Symlink(p, filepath.Join(dir, tool)))
		}
	}
	return dir
}

func (s *sandbox) calls(t *testing.T) [][]string {
	data, err := os.ReadFile(s.log)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	var calls [][]string
	for _, call := range strings.Split(strings.TrimSuffix(string(data), "\x01"), "\x01") {
		calls = append(calls, strings.Split(strings.TrimSuffix(call, "\x00"), "\x00"))
	}
	return calls
}

// requireNothingInjected fails if any command hidden in the hostile values ran.
func (s *sandbox) requireNothingInjected(t *testing.T) {
	t.Helper()
	require.NoError(t, filepath.Walk(s.root, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasPrefix(info.Name(), "pwned") {
			t.Errorf("an injected command ran: %s exists", p)
		}
		return err
	}))
}

// kubeletExpand is what the kubelet does to a container's command and args: $(NAME)
// becomes NAME's value from env, $$ becomes $, anything else stays.
func kubeletExpand(argv []string, env map[string]string) []string {
	out := make([]string, len(argv))
	for n, s := range argv {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			if s[i] != '$' || i+1 == len(s) {
				b.WriteByte(s[i])
				continue
			}
			if s[i+1] == '$' {
				b.WriteByte('$')
				i++
				continue
			}
			if end := strings.IndexByte(s[i+1:], ')'); s[i+1] == '(' && end > 0 {
				if value, ok := env[s[i+2:i+1+end]]; ok {
					b.WriteString(value)
					i += end + 1
					continue
				}
			}
			b.WriteByte('$')
		}
		out[n] = b.String()
	}
	return out
}

func TestScriptsParse(t *testing.T) {
	for _, sh := range shells(t) {
		for name, script := range map[string]string{"gitClone": gitCloneScript, "pip": pipScript, "postStart": postStartScript} {
			out, err := exec.Command(sh[0], append(sh[1:], "-n", "-c", script)...).CombinedOutput()
			require.NoError(t, err, "%s: %s script: %s", strings.Join(sh, " "), name, out)
		}
	}
}

func TestLiteralSurvivesTheKubelet(t *testing.T) {
	values := []string{hostile, "$(PWNED)", "$$(PWNED)", "a$", "$", "plain"}
	require.Equal(t, values, kubeletExpand(literal(values...), podEnv))
	// Without the escaping, the kubelet would have changed them.
	require.NotEqual(t, values, kubeletExpand(values, podEnv))
}

// hostileLine is hostile without the line break: a value that is one line of what git
// reads on stdin (sparse directories; the config rejects line breaks in them).
var hostileLine = strings.ReplaceAll(hostile, "\n", " ")

func TestGitCloneScriptPassesValuesAsArguments(t *testing.T) {
	const sha = "0123456789abcdef0123456789abcdef01234567"
	for _, sh := range shells(t) {
		t.Run(strings.Join(sh, " "), func(t *testing.T) {
			s := newSandbox(t)
			spec := &fnconfigs.InitChainSpec{WorkspacePath: s.root}
			depth := int32(1)
			clone := &fnconfigs.InitChainGitClone{Repo: "https://example.com/" + hostile, Revision: hostile, Dest: "dest " + hostile, Depth: &depth}
			dest := filepath.Join(s.root, clone.Dest)
			argv := func() []string {
				command, args := gitCloneCommand(spec, clone)
				return kubeletExpand(append(command, args...), podEnv)
			}
			trust := "safe.directory=" + dest
			git := func(args ...string) []string { return append([]string{"git", "-c", trust}, args...) }
			remote := git("config", "remote.origin.url", clone.Repo)
			checkout := func(target string) []string {
				return git("checkout", "--quiet", "--force", "--detach", target+"^{commit}")
			}
			fetchAlone := func(rev string, options ...string) []string {
				return git(append(append([]string{"fetch", "--quiet", "--force", "--no-tags"}, options...), "origin", rev)...)
			}

			// A name: fetched alone, one commit deep.
			calls, stderr, err := s.run(t, sh, argv())
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{{"git", "init", "--quiet"}, remote, fetchAlone(clone.Revision, "--depth=1"), checkout("FETCH_HEAD")}, calls)

			// A restart finds the checkout, and fetches into it.
			calls, stderr, err = s.run(t, sh, argv())
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{remote, fetchAlone(clone.Revision, "--depth=1"), checkout("FETCH_HEAD")}, calls)

			// The server refuses: every branch and tag, with the whole history; the
			// revision is then a tag, a branch or a commit.
			require.NoError(t, os.WriteFile(filepath.Join(dest, ".git", "shallow"), nil, 0o644))
			calls, stderr, err = s.run(t, sh, argv(), "STUB_FAIL=--no-tags")
			require.NoError(t, err, stderr)
			require.Contains(t, stderr, "fetching every branch and tag")
			require.Equal(t, [][]string{remote, fetchAlone(clone.Revision, "--depth=1"),
				git("fetch", "--quiet", "--force", "--prune", "--unshallow", "origin", "+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"),
				git("rev-parse", "--quiet", "--verify", "refs/tags/"+clone.Revision+"^{commit}"),
				checkout("refs/tags/" + clone.Revision)}, calls)
			_, stderr, err = s.run(t, sh, argv(), "STUB_FAIL=--no-tags|rev-parse")
			require.Error(t, err)
			require.Contains(t, stderr, "has no tag, branch or commit")

			// A commit SHA the checkout has: no fetch. One it lacks: fetched alone; the whole
			// history (depth 0), sparse directories and submodules.
			clone.Revision = sha
			calls, stderr, err = s.run(t, sh, argv())
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{remote, git("rev-parse", "--quiet", "--verify", sha+"^{commit}"), checkout(sha)}, calls)
			depth, clone.Submodules, clone.Sparse = 0, true, []string{"python", hostileLine}
			calls, stderr, err = s.run(t, sh, argv(), "STUB_FAIL=rev-parse")
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{remote, git("rev-parse", "--quiet", "--verify", sha+"^{commit}"), fetchAlone(sha),
				git("sparse-checkout", "set", "--cone", "--stdin", "python\n"+hostileLine), checkout("FETCH_HEAD"),
				git("submodule", "--quiet", "update", "--init", "--recursive", "--force")}, calls)
			depth = 3
			calls, stderr, err = s.run(t, sh, argv(), "STUB_FAIL=rev-parse")
			require.NoError(t, err, stderr)
			require.Equal(t, git("submodule", "--quiet", "update", "--init", "--recursive", "--force", "--depth=3"), calls[len(calls)-1])

			// Files that are not a checkout are never overwritten; the steps' HOME and
			// lost+found do not count.
			require.NoError(t, os.RemoveAll(dest))
			for _, dir := range []string{".unbake/home", "lost+found"} {
				require.NoError(t, os.MkdirAll(filepath.Join(dest, dir), 0o755))
			}
			calls, stderr, err = s.run(t, sh, argv())
			require.NoError(t, err, stderr)
			require.Equal(t, []string{"git", "init", "--quiet"}, calls[0])
			require.NoError(t, os.RemoveAll(filepath.Join(dest, ".git")))
			require.NoError(t, os.WriteFile(filepath.Join(dest, "data"), nil, 0o644))
			calls, stderr, err = s.run(t, sh, argv())
			require.Error(t, err)
			require.Empty(t, calls)
			require.Contains(t, stderr, "is neither empty nor a git repository")
			s.requireNothingInjected(t)
		})
	}
}

// TestGitCloneAsksThroughAskpass: with a token's files, git gets the user name and the
// token from GIT_ASKPASS, which prints the files; without a user name file, x-access-token.
func TestGitCloneAsksThroughAskpass(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(strings.Join(sh, " "), func(t *testing.T) {
			s := newSandbox(t)
			secret := filepath.Join(s.root, "secret "+hostile)
			require.NoError(t, os.MkdirAll(secret, 0o755))
			token := "ghp_" + hostile
			require.NoError(t, os.WriteFile(filepath.Join(secret, "password"), []byte(token), 0o400))
			spec := &fnconfigs.InitChainSpec{WorkspacePath: s.root}
			command, args := gitCloneCommand(spec, &fnconfigs.InitChainGitClone{Repo: "https://example.com/app.git", Revision: "main", Dest: "checkout"})
			argv := kubeletExpand(append(command, args...), podEnv)
			env := []string{"STUB_ASKPASS=1", "UNBAKE_GIT_USERNAME_FILE=" + filepath.Join(secret, "username"),
				"UNBAKE_GIT_PASSWORD_FILE=" + filepath.Join(secret, "password")}

			calls, stderr, err := s.run(t, sh, argv, env...)
			require.NoError(t, err, stderr)
			require.Contains(t, calls, []string{"askpass", "x-access-token", token})
			require.NoError(t, os.WriteFile(filepath.Join(secret, "username"), []byte("deploy\n"), 0o400))
			calls, stderr, err = s.run(t, sh, argv, env...)
			require.NoError(t, err, stderr)
			require.Contains(t, calls, []string{"askpass", "deploy", token}) // git reads the first line

			// A token the step cannot read: a message before any fetch.
			env[2] = "UNBAKE_GIT_PASSWORD_FILE=" + filepath.Join(secret, "missing")
			calls, stderr, err = s.run(t, sh, argv, env...)
			require.Error(t, err)
			require.Contains(t, stderr, "cannot read")
			require.NotContains(t, strings.Join(slices.Concat(calls...), " "), "fetch")
			s.requireNothingInjected(t)
		})
	}
}

func TestPipScriptPassesValuesAsArguments(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(strings.Join(sh, " "), func(t *testing.T) {
			s := newSandbox(t)
			spec := &fnconfigs.InitChainSpec{WorkspacePath: s.root}
			pip := &fnconfigs.InitChainPip{Venv: "venv " + hostile, Requirements: "req " + hostile,
				Packages: []string{`Flask==3.1.0; python_version >= "3.9"`, hostile, "redis"}}
			venv := filepath.Join(s.root, pip.Venv)
			command, args := pipCommand(spec, pip)
			argv := kubeletExpand(append(command, args...), podEnv)

			calls, stderr, err := s.run(t, sh, argv)
			require.NoError(t, err, stderr)
			install := append([]string{"pip", "install", "--no-input", "--disable-pip-version-check",
				"-r", filepath.Join(s.root, pip.Requirements)}, pip.Packages...)
			require.Equal(t, [][]string{{"python3", "-m", "venv", venv}, install}, calls)

			// A restart finds the venv, and only installs.
			calls, stderr, err = s.run(t, sh, argv)
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{install}, calls)

			// Without requirements: no -r.
			pip.Requirements = ""
			command, args = pipCommand(spec, pip)
			calls, stderr, err = s.run(t, sh, kubeletExpand(append(command, args...), podEnv))
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{append([]string{"pip", "install", "--no-input", "--disable-pip-version-check"}, pip.Packages...)}, calls)

			// requireHashes: the packages go through a requirements file, where pip reads
			// --hash options, one line each.
			pip.RequireHashes, pip.Requirements = true, "req"
			pip.Packages = []string{"Flask==3.1.3 --hash=sha256:00ff", hostileLine}
			command, args = pipCommand(spec, pip)
			calls, stderr, err = s.run(t, sh, kubeletExpand(append(command, args...), podEnv))
			require.NoError(t, err, stderr)
			written := filepath.Join(venv, "unbake-requirements.txt")
			require.Equal(t, [][]string{{"pip", "install", "--no-input", "--disable-pip-version-check",
				"-r", filepath.Join(s.root, "req"), "--require-hashes", "-r", written}}, calls)
			data, err := os.ReadFile(written)
			require.NoError(t, err)
			require.Equal(t, strings.Join(pip.Packages, "\n")+"\n", string(data))
			// Only a requirements file: nothing written.
			pip.Packages = nil
			command, args = pipCommand(spec, pip)
			calls, stderr, err = s.run(t, sh, kubeletExpand(append(command, args...), podEnv))
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{{"pip", "install", "--no-input", "--disable-pip-version-check",
				"-r", filepath.Join(s.root, "req"), "--require-hashes"}}, calls)
			s.requireNothingInjected(t)
		})
	}
}

func TestPostStartWaitsThenRunsTheCommand(t *testing.T) {
	for _, sh := range shells(t) {
		t.Run(strings.Join(sh, " "), func(t *testing.T) {
			s := newSandbox(t)
			socket := filepath.Join(s.root, "sock "+hostile)
			hook := &fnconfigs.InitChainPostStart{WaitForPath: socket, TimeoutSeconds: 1,
				Command: []string{"curl", "-X", "PUT", "--data-binary", "@/etc/unit/" + hostile, "--unix-socket", socket, "http://localhost/config"}}
			// The kubelet runs a hook's command as written: no expansion.
			argv := postStartCommand(hook)

			calls, stderr, err := s.run(t, sh, argv)
			require.Error(t, err, "the path does not exist: the wait must time out")
			require.Empty(t, calls)
			require.Contains(t, stderr, "did not appear within 1 seconds")

			require.NoError(t, os.WriteFile(socket, nil, 0o644))
			calls, stderr, err = s.run(t, sh, argv)
			require.NoError(t, err, stderr)
			require.Equal(t, [][]string{hook.Command}, calls)
			s.requireNothingInjected(t)
		})
	}
}

package initchain

import (
	"strconv"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
)

// The helpers' scripts are fixed text: every user value (URL, revision, path, package)
// reaches them as a positional argument, so no value is ever read as shell text. They use
// no "$(": the kubelet would try to expand it as a $(VAR) reference in command and args.

// gitCloneScript makes dest a checkout of revision, whatever an earlier start of the pod
// left there: the volume survives container restarts, and a plain `git clone` into a
// non-empty directory fails. It fetches by URL (no stored remote, so a changed repo is
// simply fetched from), then checks out revision as a tag, a branch or a commit.
const gitCloneScript = `set -eu
repo=$1 revision=$2 dest=$3
mkdir -p "$dest"
cd "$dest"
if [ ! -d .git ]; then
  if ls -A | grep -q .; then
    printf 'gitClone: %s is neither empty nor a git repository: choose another gitClone.dest\n' "$dest" >&2
    exit 1
  fi
  git init --quiet
fi
# The volume's root may belong to another user than the step's: trust this directory.
trust="safe.directory=$dest"
git -c "$trust" fetch --quiet --force --prune -- "$repo" '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
for ref in "refs/tags/$revision" "refs/remotes/origin/$revision" "$revision"; do
  if git -c "$trust" rev-parse --quiet --verify "$ref^{commit}" >/dev/null; then
    exec git -c "$trust" checkout --quiet --force --detach "$ref^{commit}"
  fi
done
printf 'gitClone: %s has no tag, branch or commit %s\n' "$repo" "$revision" >&2
exit 1
`

// pipScript creates the virtual environment unless an earlier start made it, then
// installs; pip skips what is installed already. The venv's own pip installs into it.
const pipScript = `set -eu
venv=$1 requirements=$2
shift 2
if [ ! -x "$venv/bin/pip" ]; then
  python3 -m venv "$venv"
fi
if [ -n "$requirements" ]; then
  set -- -r "$requirements" "$@"
fi
exec "$venv/bin/pip" install --no-input --disable-pip-version-check "$@"
`

// postStartScript waits for a path, at most timeout seconds, then runs the command. A
// hook that fails makes the kubelet kill the container, and its output shows in the
// FailedPostStartHook event.
const postStartScript = `path=$1 timeout=$2
shift 2
waited=0
while [ ! -e "$path" ]; do
  if [ "$waited" -ge "$timeout" ]; then
    printf 'postStart: %s did not appear within %s seconds\n' "$path" "$timeout" >&2
    exit 1
  fi
  sleep 1
  waited=$((waited + 1))
done
exec "$@"
`

// The scripts' $0: it names the helper in the pod spec and in sh's error messages.
const (
	gitCloneName  = "unbake-git-clone"
	pipName       = "unbake-pip"
	postStartName = "unbake-post-start"
)

// gitCloneCommand is the command and args of a gitClone step.
func gitCloneCommand(spec *fnconfigs.InitChainSpec, g *fnconfigs.InitChainGitClone) (command, args []string) {
	return []string{"sh", "-c", gitCloneScript, gitCloneName},
		literal(g.Repo, g.Revision, spec.WorkspaceFile(g.Dest))
}

// pipCommand is the command and args of a pip step.
func pipCommand(spec *fnconfigs.InitChainSpec, p *fnconfigs.InitChainPip) (command, args []string) {
	requirements := ""
	if p.Requirements != "" {
		requirements = spec.WorkspaceFile(p.Requirements)
	}
	return []string{"sh", "-c", pipScript, pipName},
		literal(append([]string{spec.WorkspaceFile(p.Venv), requirements}, p.Packages...)...)
}

// postStartCommand is the exec command of the postStart hook. The kubelet runs a hook's
// command as written, without $(VAR) expansion.
func postStartCommand(p *fnconfigs.InitChainPostStart) []string {
	return append([]string{"sh", "-c", postStartScript, postStartName,
		p.WaitForPath, strconv.Itoa(int(p.TimeoutSeconds))}, p.Command...)
}

// literal escapes values for a container's args, where the kubelet expands $(VAR) from
// the container's env and reads $$ as $: with every $ doubled, the process gets the
// values exactly as written.
func literal(values ...string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = strings.ReplaceAll(v, "$", "$$")
	}
	return out
}

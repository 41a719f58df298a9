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
// non-empty directory fails. A full commit SHA the checkout has already is checked out
// without the network; otherwise it fetches revision alone, depth commits deep (0: the
// whole history), and when the server refuses that (a commit it does not advertise, or
// an abbreviated one) every branch and tag, with their whole history. The remaining
// arguments are the sparse directories.
const gitCloneScript = `set -eu
repo=$1 revision=$2 dest=$3 depth=$4 submodules=$5
shift 5
mkdir -p "$dest"
cd "$dest"
if [ ! -d .git ]; then
  # The steps' HOME and a new file system's lost+found do not make it a checkout.
  if ls -A | grep -v -x -e .unbake -e lost+found | grep -q .; then
    printf 'gitClone: %s is neither empty nor a git repository: choose another gitClone.dest\n' "$dest" >&2
    exit 1
  fi
  git init --quiet
fi
# The volume's root may belong to another user than the step's: trust this directory.
trust="safe.directory=$dest"
git -c "$trust" config remote.origin.url "$repo"
if [ -n "${UNBAKE_GIT_PASSWORD_FILE:-}" ]; then
  if [ ! -r "$UNBAKE_GIT_PASSWORD_FILE" ]; then
    printf 'gitClone: cannot read %s: the Secret lacks the key, or the step runs as a user other than root and the pod sets no securityContext.fsGroup, the group the kubelet lets read the files of a Secret\n' "$UNBAKE_GIT_PASSWORD_FILE" >&2
    exit 1
  fi
  # git asks GIT_ASKPASS for the user name, then the password: it prints the Secret's files.
  printf '%s\n' '#!/bin/sh' 'case $1 in' \
    'Username*) if [ -r "$UNBAKE_GIT_USERNAME_FILE" ]; then cat "$UNBAKE_GIT_USERNAME_FILE"; else echo x-access-token; fi ;;' \
    '*) cat "$UNBAKE_GIT_PASSWORD_FILE" ;;' 'esac' > .git/unbake-askpass
  chmod 0700 .git/unbake-askpass
  GIT_ASKPASS=$PWD/.git/unbake-askpass GIT_TERMINAL_PROMPT=0
  export GIT_ASKPASS GIT_TERMINAL_PROMPT
fi
shallow=
if [ "$depth" -gt 0 ]; then
  shallow=--depth=$depth
fi
pinned=
case $revision in
  *[!0-9a-f]*) ;;
  *) if [ ${#revision} -eq 40 ] || [ ${#revision} -eq 64 ]; then pinned=$revision; fi ;;
esac
if [ -n "$pinned" ] && git -c "$trust" rev-parse --quiet --verify "$pinned^{commit}" >/dev/null; then
  target=$pinned
elif git -c "$trust" fetch --quiet --force --no-tags ${shallow:+"$shallow"} origin "$revision"; then
  target=FETCH_HEAD
else
  printf 'gitClone: fetching %s alone failed; fetching every branch and tag of %s\n' "$revision" "$repo" >&2
  unshallow=
  if [ -f .git/shallow ]; then
    unshallow=--unshallow
  fi
  git -c "$trust" fetch --quiet --force --prune ${unshallow:+"$unshallow"} origin '+refs/heads/*:refs/remotes/origin/*' '+refs/tags/*:refs/tags/*'
  target=
  for ref in "refs/tags/$revision" "refs/remotes/origin/$revision" "$revision"; do
    if git -c "$trust" rev-parse --quiet --verify "$ref^{commit}" >/dev/null; then
      target=$ref
      break
    fi
  done
  if [ -z "$target" ]; then
    printf 'gitClone: %s has no tag, branch or commit %s\n' "$repo" "$revision" >&2
    exit 1
  fi
fi
if [ "$#" -gt 0 ]; then
  printf '%s\n' "$@" | git -c "$trust" sparse-checkout set --cone --stdin
fi
git -c "$trust" checkout --quiet --force --detach "$target^{commit}"
if [ "$submodules" = true ]; then
  git -c "$trust" submodule --quiet update --init --recursive --force ${shallow:+"$shallow"}
fi
`

// pipScript creates the virtual environment unless an earlier start made it, then
// installs; pip skips what is installed already. The venv's own pip installs into it.
// With --require-hashes the packages go through a requirements file in the venv: pip
// reads --hash options only there.
const pipScript = `set -eu
venv=$1 requirements=$2 hashes=$3
shift 3
if [ ! -x "$venv/bin/pip" ]; then
  python3 -m venv "$venv"
fi
if [ -n "$hashes" ]; then
  if [ "$#" -gt 0 ]; then
    printf '%s\n' "$@" > "$venv/unbake-requirements.txt"
    set -- -r "$venv/unbake-requirements.txt"
  fi
  set -- "$hashes" "$@"
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
	depth := int32(fnconfigs.DefaultGitDepth)
	if g.Depth != nil {
		depth = *g.Depth
	}
	return []string{"sh", "-c", gitCloneScript, gitCloneName},
		literal(append([]string{g.Repo, g.Revision, spec.WorkspaceFile(g.Dest),
			strconv.Itoa(int(depth)), strconv.FormatBool(g.Submodules)}, g.Sparse...)...)
}

// pipCommand is the command and args of a pip step.
func pipCommand(spec *fnconfigs.InitChainSpec, p *fnconfigs.InitChainPip) (command, args []string) {
	requirements := ""
	if p.Requirements != "" {
		requirements = spec.WorkspaceFile(p.Requirements)
	}
	hashes := ""
	if p.RequireHashes {
		hashes = "--require-hashes"
	}
	return []string{"sh", "-c", pipScript, pipName},
		literal(append([]string{spec.WorkspaceFile(p.Venv), requirements, hashes}, p.Packages...)...)
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

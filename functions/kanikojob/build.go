package kanikojob

import (
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/fnconfigs"
)

// build is one config's build: what it pushes and the executor's arguments.
type build struct {
	cfg          *fnconfigs.KanikoJob
	rev          revision
	destinations []destination
}

// destination is one configured destination and the reference workloads get for it.
type destination struct {
	tag   name.Tag
	built string // repo:<revision> when a revision is known, else the destination itself
}

func newBuild(cfg *fnconfigs.KanikoJob, rev revision) *build {
	b := &build{cfg: cfg, rev: rev}
	for _, d := range cfg.Spec.Destinations {
		tag, _ := fnconfigs.ParseDestination(d) // validated with the config
		built := d
		if rev.tag != "" {
			built = strings.TrimSuffix(d, ":"+tag.TagStr()) + ":" + rev.tag
		}
		b.destinations = append(b.destinations, destination{tag: tag, built: built})
	}
	return b
}

// pushed lists every reference the build pushes: each destination, and its revision tag.
func (b *build) pushed() []string {
	var refs []string
	for _, d := range b.destinations {
		for _, ref := range []string{d.tag.String(), d.built} {
			if !slices.Contains(refs, ref) {
				refs = append(refs, ref)
			}
		}
	}
	return refs
}

// forRepository returns the first destination in repository (a normalized name, e.g.
// index.docker.io/library/nginx), or nil.
func (b *build) forRepository(repository string) *destination {
	for i := range b.destinations {
		if b.destinations[i].tag.Context().Name() == repository {
			return &b.destinations[i]
		}
	}
	return nil
}

// repositories names the destinations' repositories, for messages.
func (b *build) repositories() string {
	var repos []string
	for _, d := range b.destinations {
		if repo := d.tag.Context().Name(); !slices.Contains(repos, repo) {
			repos = append(repos, repo)
		}
	}
	return strings.Join(repos, " or ")
}

// digestFile is where the executor writes the pushed digest: the container's termination
// message, which the pod status shows after the build.
const digestFile = "/dev/termination-log"

// args are the executor's arguments; never credentials, which come from the mounted
// config.json.
func (b *build) args() []string {
	s := b.cfg.Spec
	args := []string{"--context=" + s.Context}
	if s.ContextSubPath != "" {
		args = append(args, "--context-sub-path="+s.ContextSubPath)
	}
	args = append(args, "--dockerfile="+b.dockerfile())
	for _, ref := range b.pushed() {
		args = append(args, "--destination="+ref)
	}
	for _, key := range slices.Sorted(maps.Keys(s.BuildArgs)) {
		args = append(args, "--build-arg="+key+"="+s.BuildArgs[key])
	}
	if s.Target != "" {
		args = append(args, "--target="+s.Target)
	}
	if s.CustomPlatform != "" {
		args = append(args, "--custom-platform="+s.CustomPlatform)
	}
	if rev := b.builtRevision(); rev != "" {
		args = append(args, "--label="+fnconfigs.LabelRevision+"="+rev)
	}
	if source := b.source(); source != "" {
		args = append(args, "--label="+fnconfigs.LabelSource+"="+source)
	}
	if s.Cache.Enabled {
		args = append(args, "--cache=true")
		if s.Cache.Repo != "" {
			args = append(args, "--cache-repo="+s.Cache.Repo)
		}
		if s.Cache.TTL != "" {
			args = append(args, "--cache-ttl="+s.Cache.TTL)
		}
	}
	args = append(args, "--digest-file="+digestFile)
	return append(args, s.ExtraArgs...)
}

// builtRevision is the commit the image is built from, for its OCI revision label: the
// commit a git context checks out, else the configured or environment's revision.
func (b *build) builtRevision() string {
	if commit := b.pinnedCommit(); commit != "" {
		return commit
	}
	return b.rev.full
}

// source is where the image's source can be fetched, for its OCI source label: the
// repository a git context is cloned from (over HTTPS, as kaniko does), or the object of
// an object-storage context. dir:// and tar:// contexts are paths inside the build pod,
// which mean nothing to a reader of the image, so they get none.
func (b *build) source() string {
	s := b.cfg.Spec
	switch s.ContextScheme() {
	case fnconfigs.ContextSchemeGit:
		repo, _, _ := strings.Cut(strings.TrimPrefix(s.Context, "git://"), "#")
		return "https://" + repo
	case fnconfigs.ContextSchemeS3, fnconfigs.ContextSchemeGS:
		return s.Context
	}
	return ""
}

// dockerfile is the --dockerfile value. kaniko looks a relative path up in its working
// directory, /workspace, before the context: with the workspace claim mounted there, a
// file of the same name at the claim's root would win. So for dir:// contexts the path is
// given in full, as seeds/004 does.
func (b *build) dockerfile() string {
	s := b.cfg.Spec
	if s.ContextScheme() != fnconfigs.ContextSchemeDir {
		return s.Dockerfile
	}
	return path.Join(strings.TrimPrefix(s.Context, "dir://"), s.ContextSubPath, s.Dockerfile)
}

// usesWorkspace tells whether the context is read from the workspace claim.
func (b *build) usesWorkspace() bool {
	scheme := b.cfg.Spec.ContextScheme()
	return scheme == fnconfigs.ContextSchemeDir || scheme == fnconfigs.ContextSchemeTar
}

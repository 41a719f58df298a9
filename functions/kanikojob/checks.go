package kanikojob

import (
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// checks reports what the config allows but is probably a mistake, as warnings on the
// config, and checks the registry Secret when the list holds it.
func (b *build) checks(rl *krm.ResourceList) (framework.Results, error) {
	s, config := b.cfg.Spec, rl.FunctionConfig
	var results framework.Results
	warn := func(fieldPath, format string, args ...any) *framework.Result {
		r := krm.WarningResult(config, fieldPath, format, args...)
		results = append(results, r)
		return r
	}
	if !pinned(s.ExecutorImage) {
		krm.Propose(warn("spec.executorImage",
			"%s is not pinned to a version: the executor would change under the same config; use a version tag or a digest",
			s.ExecutorImage), fnconfigs.DefaultKanikoExecutor)
	}
	for _, key := range slices.Sorted(maps.Keys(s.BuildArgs)) {
		if looksSecret(key) {
			warn(field.NewPath("spec", "buildArgs").Key(key).String(),
				"build arg %s looks like a secret: build args are recorded in the image history, readable by anyone who can pull it; mount the secret in a RUN --mount=type=secret step instead", key)
		}
	}
	if s.Workspace.ClaimName != "" && !b.usesWorkspace() {
		warn("spec.workspace.claimName", "not mounted: a %s:// context is not read from the workspace; remove it", s.ContextScheme())
	}
	if !s.Cache.Enabled && (s.Cache.Repo != "" || s.Cache.TTL != "") {
		krm.Propose(warn("spec.cache.enabled", "cache.repo and cache.ttl have no effect while the cache is off: set cache.enabled: true, or remove them"), true)
	}
	_, request := s.Resources.Requests[corev1.ResourceEphemeralStorage]
	_, limit := s.Resources.Limits[corev1.ResourceEphemeralStorage]
	if !request && !limit {
		warn("spec.resources",
			"no ephemeral-storage: kaniko unpacks the base image and every layer into the container's filesystem, so a node short of disk evicts the build; request some (e.g. 5Gi)")
	}
	if commit := b.checkedOutCommit(); commit != "" && !strings.HasPrefix(commit, b.rev.tag) {
		warn("spec.context", "kaniko checks out commit %s, but the images are tagged with revision %s (from %s): the tag would name another commit than the one built",
			commit, b.rev.tag, b.rev.source)
	}
	if s.RegistrySecret == "" {
		return results, nil
	}
	secrets, err := rl.ItemsWith(s.RegistrySecret, func(item *yaml.RNode) bool { return isSecretNamed(item, s.RegistrySecret) })
	if err != nil {
		return nil, err
	}
	return append(results, b.checkRegistrySecret(config, secrets)...), nil
}

// pinned tells whether image names one executor build: a digest, or a tag with a version
// number (latest, debug, slim and the like move with each release).
func pinned(image string) bool {
	if ref, err := name.ParseReference(image); err == nil {
		if _, isDigest := ref.(name.Digest); isDigest {
			return true
		}
	}
	tag, err := name.NewTag(image, name.WithDefaultTag(""))
	return err == nil && strings.ContainsAny(tag.TagStr(), "0123456789")
}

// secretWords are the words of build-arg names that usually hold credentials.
var secretWords = []string{"TOKEN", "PASSWORD", "PASSWD", "SECRET", "KEY", "APIKEY", "CREDENTIAL", "CREDENTIALS"}

func looksSecret(key string) bool {
	words := strings.FieldsFunc(strings.ToUpper(key), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return slices.ContainsFunc(words, func(w string) bool { return slices.Contains(secretWords, w) })
}

// checkedOutCommit is the commit a git context pins, when a revision is known too.
func (b *build) checkedOutCommit() string {
	if b.rev.tag == "" {
		return ""
	}
	return b.pinnedCommit()
}

// pinnedCommit is the commit a git context checks out, "" for none.
func (b *build) pinnedCommit() string {
	s := b.cfg.Spec
	if s.ContextScheme() != fnconfigs.ContextSchemeGit {
		return ""
	}
	parts := strings.Split(s.Context, "#")
	if last := parts[len(parts)-1]; len(parts) > 1 && fnconfigs.IsFullCommit(last) {
		return last
	}
	return ""
}

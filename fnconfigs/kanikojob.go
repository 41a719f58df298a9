package fnconfigs

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// KanikoJob builds an image inside the cluster with the kaniko executor, as a batch/v1 Job,
// for the builds that cannot be replaced by Kubernetes features (compilation).
type KanikoJob struct {
	metav1.TypeMeta `json:",inline"`
	// Metadata names the Job, `<name>-<hash>`, so the name has at most 52 characters (a
	// Job's name becomes its pods' job-name label, at most 63), and sets its namespace,
	// where the registry Secret must be too.
	Metadata Metadata      `json:"metadata"`
	Spec     KanikoJobSpec `json:"spec"`
}

// KanikoJobSpec says what to build, where to push it, and how the Job runs.
type KanikoJobSpec struct {
	// Context is the build context: `git://host/path.git#<ref>[#<commit>]`,
	// dir:///workspace/…, tar:///workspace/….tar.gz, s3://bucket/….tar.gz or
	// gs://bucket/….tar.gz.
	Context string `json:"context"`
	// ContextSubPath is the directory inside the context to build from: relative, without
	// "..".
	ContextSubPath string `json:"contextSubPath,omitempty"`
	// Workspace is the PersistentVolumeClaim mounted at /workspace; dir:// and tar://
	// contexts require it.
	Workspace KanikoWorkspace `json:"workspace,omitempty"`
	// Dockerfile is the Dockerfile's path relative to the context (and contextSubPath),
	// without ".."; default Dockerfile.
	Dockerfile string `json:"dockerfile,omitempty"`
	// Destinations are the image references to push, each with an explicit tag other than
	// latest (untagged references, latest and digests are errors); at least one.
	Destinations []string `json:"destinations"`
	// Revision is the git commit (7 to 40 hex characters) every destination is also tagged
	// with, lowercase and cut to 12; empty: the environment variable ARGOCD_APP_REVISION,
	// when set.
	Revision string `json:"revision,omitempty"`
	// RegistrySecret names a kubernetes.io/dockerconfigjson Secret in the Job's namespace,
	// mounted as /kaniko/.docker/config.json.
	RegistrySecret string `json:"registrySecret,omitempty"`
	// ServiceAccountName runs the build as this ServiceAccount, whose cloud identity
	// (workload identity) can read s3:// and gs:// contexts and push to cloud registries;
	// default the namespace's default ServiceAccount.
	ServiceAccountName string `json:"serviceAccountName,omitempty"`
	// BuildArgs are passed as --build-arg KEY=VALUE, sorted by key; they end up in the
	// image history, so never put secrets here.
	BuildArgs map[string]string `json:"buildArgs,omitempty"`
	// Target is the Dockerfile stage to build.
	Target string `json:"target,omitempty"`
	// Cache configures kaniko's layer cache in a registry repository; default off.
	Cache KanikoCache `json:"cache,omitempty"`
	// ExecutorImage is the kaniko executor image, pinned to a version; default
	// ghcr.io/osscontainertools/kaniko:v1.28.3, a maintained fork's release.
	ExecutorImage string `json:"executorImage,omitempty"`
	// ExtraArgs are further executor flags, appended as written; flags that other fields
	// set are not allowed here.
	ExtraArgs []string `json:"extraArgs,omitempty"`
	// BackoffLimit is how often a failed build is retried; default 3.
	BackoffLimit *int32 `json:"backoffLimit,omitempty"`
	// ActiveDeadlineSeconds bounds the whole Job, retries included; default 3600.
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty"`
	// TTLSecondsAfterFinished is how long the finished Job is kept; default 86400.
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty"`
	// Resources of the executor container; default requests cpu 500m, memory 1Gi,
	// ephemeral-storage 5Gi and limits memory 4Gi, ephemeral-storage 20Gi.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// WireImages sets the built reference on the containers (init and app, of every
	// pod-bearing kind) of the ResourceList's workloads whose image is in a destination's
	// repository; default true. Items another config generated are left to it, with an
	// info result: run gen-prepull-daemonset after this function, so that it copies the
	// built tag.
	WireImages *bool `json:"wireImages,omitempty"`
	// GitCredentials log kaniko in to a private git:// context, from a Secret only: each is
	// an environment variable of the executor (GIT_USERNAME, GIT_PASSWORD, GIT_TOKEN) whose
	// valueFrom.secretKeyRef names the Secret and key. A literal value is an error. Set
	// token alone (kaniko then sends it as the user name, as GitHub expects), or username
	// and password (GitLab: oauth2 and a token; Bitbucket: the user and an app password).
	GitCredentials *KanikoGitCredentials `json:"gitCredentials,omitempty"`
	// NodeSelector of the build pod, e.g. kubernetes.io/arch: arm64 to build on the nodes
	// of the architecture the image is for.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations of the build pod (core/v1 Tolerations), for dedicated build nodes.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// Affinity of the build pod (core/v1 Affinity).
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// CustomPlatform is the platform to build for, `os/arch[/variant]` (--custom-platform),
	// e.g. linux/arm64; default the platform of the node the build runs on. kaniko does
	// not emulate: RUN steps of another architecture fail unless the node runs them
	// (binfmt_misc), so prefer nodeSelector kubernetes.io/arch.
	CustomPlatform string `json:"customPlatform,omitempty"`
	// ArgoCDHook makes the Job an Argo CD hook: PreSync builds before the sync applies the
	// workloads that use the image.
	ArgoCDHook string `json:"argocdHook,omitempty"`
	// Strict turns warnings into errors.
	Strict bool `json:"strict,omitempty"`
}

// KanikoWorkspace is the volume that holds dir:// and tar:// contexts.
type KanikoWorkspace struct {
	// ClaimName is the PersistentVolumeClaim mounted read-only at /workspace.
	ClaimName string `json:"claimName,omitempty"`
}

// KanikoCache is kaniko's layer cache.
type KanikoCache struct {
	// Enabled passes --cache=true.
	Enabled bool `json:"enabled,omitempty"`
	// Repo is the repository cached layers are pushed to (--cache-repo); default kaniko's
	// `<destination>/cache`.
	Repo string `json:"repo,omitempty"`
	// TTL is how long cached layers are used (--cache-ttl), as a Go duration (e.g. 168h).
	TTL string `json:"ttl,omitempty"`
}

// KanikoGitCredentials are the executor's git login, each from a Secret.
type KanikoGitCredentials struct {
	// Username becomes GIT_USERNAME; with password only.
	Username *KanikoSecretEnv `json:"username,omitempty"`
	// Password becomes GIT_PASSWORD; with username only.
	Password *KanikoSecretEnv `json:"password,omitempty"`
	// Token becomes GIT_TOKEN, which kaniko sends as the user name with an empty password
	// (GitHub's personal access tokens); kaniko ignores GIT_USERNAME and GIT_PASSWORD when
	// it is set, so set it alone.
	Token *KanikoSecretEnv `json:"token,omitempty"`
}

// KanikoSecretEnv is a core/v1 EnvVar without its name, limited to valueFrom.secretKeyRef:
// a credential in a manifest is readable by everyone who can read the Job.
type KanikoSecretEnv struct {
	// Value is not allowed: it is here so that a literal is an error naming the field,
	// not an unknown field.
	Value string `json:"value,omitempty"`
	// ValueFrom must be a secretKeyRef (core/v1 EnvVarSource).
	ValueFrom *corev1.EnvVarSource `json:"valueFrom,omitempty"`
}

// KanikoWorkspacePath is where the workspace claim is mounted.
const KanikoWorkspacePath = "/workspace"

// DefaultKanikoExecutor is the executor image used when executorImage is empty: the
// osscontainertools fork, which took over after GoogleContainerTools/kaniko was archived.
// v1.28.3 (commit e0092dbc) is the newest release tag in the fork's repository; its
// image's digest could not be read from here, so it is pinned by tag.
const DefaultKanikoExecutor = "ghcr.io/osscontainertools/kaniko:v1.28.3"

// ArgoCDHookPreSync is the argocdHook value that builds before Argo CD syncs.
const ArgoCDHookPreSync = "PreSync"

// kanikoHashLength is the hex length of the hash in the Job's name; with the dash it
// leaves 52 characters for metadata.name within the 63 a Job name may have (it becomes
// the value of the pods' job-name label).
const kanikoHashLength = 10

// JobName is the Job's name for a hex hash of its content.
func (c *KanikoJob) JobName(hash string) string {
	return c.Metadata.Name + "-" + hash[:kanikoHashLength]
}

// Default fills dockerfile, executorImage, the Job's limits, resources and wireImages.
func (c *KanikoJob) Default() {
	s := &c.Spec
	if s.Dockerfile == "" {
		s.Dockerfile = "Dockerfile"
	}
	if s.ExecutorImage == "" {
		s.ExecutorImage = DefaultKanikoExecutor
	}
	if s.BackoffLimit == nil {
		s.BackoffLimit = new(int32(3))
	}
	if s.ActiveDeadlineSeconds == nil {
		s.ActiveDeadlineSeconds = new(int64(3600))
	}
	if s.TTLSecondsAfterFinished == nil {
		s.TTLSecondsAfterFinished = new(int32(86400))
	}
	if s.WireImages == nil {
		s.WireImages = new(true)
	}
	// kaniko unpacks the base image and every layer into its own root filesystem, which
	// the kubelet counts as ephemeral storage: without a request the pod can land on a
	// node short of disk and be evicted mid-build.
	if s.Resources.Requests == nil && s.Resources.Limits == nil {
		s.Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{
				corev1.ResourceCPU:              resource.MustParse("500m"),
				corev1.ResourceMemory:           resource.MustParse("1Gi"),
				corev1.ResourceEphemeralStorage: resource.MustParse("5Gi"),
			},
			Limits: corev1.ResourceList{
				corev1.ResourceMemory:           resource.MustParse("4Gi"),
				corev1.ResourceEphemeralStorage: resource.MustParse("20Gi"),
			},
		}
	}
}

// IsStrict tells whether warnings fail the run.
func (c *KanikoJob) IsStrict() bool { return c.Spec.Strict }

// Validate checks the config on its own; checks against the ResourceList (the registry
// Secret, the workloads) and the environment's revision come with the transform.
func (c *KanikoJob) Validate() field.ErrorList {
	spec := field.NewPath("spec")
	s := &c.Spec
	errs := c.Metadata.Validate(field.NewPath("metadata"))
	if limit := validation.DNS1123LabelMaxLength - 1 - kanikoHashLength; len(c.Metadata.Name) > limit {
		errs = append(errs, field.Invalid(field.NewPath("metadata", "name"), c.Metadata.Name, fmt.Sprintf(
			"at most %d characters: the Job is named <name>-<%d-character hash>, and a Job's name becomes its pods' job-name label, at most 63 characters",
			limit, kanikoHashLength)))
	}
	errs = append(errs, s.validateContext(spec)...)
	errs = append(errs, s.validateInContext(s.ContextSubPath, spec.Child("contextSubPath"))...)
	errs = append(errs, s.validateInContext(s.Dockerfile, spec.Child("dockerfile"))...)
	errs = append(errs, s.validateDestinations(spec.Child("destinations"))...)
	if s.Revision != "" && !IsRevision(s.Revision) {
		errs = append(errs, field.Invalid(spec.Child("revision"), s.Revision, RevisionRule))
	}
	errs = append(errs, s.validateObjectName(s.Workspace.ClaimName, spec.Child("workspace", "claimName"))...)
	errs = append(errs, s.validateObjectName(s.RegistrySecret, spec.Child("registrySecret"))...)
	errs = append(errs, s.validateObjectName(s.ServiceAccountName, spec.Child("serviceAccountName"))...)
	for _, key := range slices.Sorted(maps.Keys(s.BuildArgs)) {
		if key == "" || strings.ContainsAny(key, "= \t\n") {
			errs = append(errs, field.Invalid(spec.Child("buildArgs").Key(key), key, "a build arg name has no '=' or spaces"))
		}
	}
	errs = append(errs, s.validateCache(spec.Child("cache"))...)
	if _, err := name.ParseReference(s.ExecutorImage); err != nil {
		errs = append(errs, field.Invalid(spec.Child("executorImage"), s.ExecutorImage, err.Error()))
	}
	errs = append(errs, s.validateExtraArgs(spec.Child("extraArgs"))...)
	errs = append(errs, s.validateJobLimits(spec)...)
	errs = append(errs, s.validateResources(spec.Child("resources"))...)
	errs = append(errs, s.validateGitCredentials(spec.Child("gitCredentials"))...)
	errs = append(errs, metav1validation.ValidateLabels(s.NodeSelector, spec.Child("nodeSelector"))...)
	if s.CustomPlatform != "" && PlatformArch(s.CustomPlatform) == "" {
		errs = append(errs, field.Invalid(spec.Child("customPlatform"), s.CustomPlatform, "a platform is os/arch or os/arch/variant, e.g. linux/arm64 or linux/arm/v7"))
	}
	if s.ArgoCDHook != "" && s.ArgoCDHook != ArgoCDHookPreSync {
		errs = append(errs, field.NotSupported(spec.Child("argocdHook"), s.ArgoCDHook, []string{"", ArgoCDHookPreSync}))
	}
	return errs
}

// PlatformArch is the architecture of an os/arch[/variant] platform, "" when malformed.
func PlatformArch(platform string) string {
	parts := strings.Split(platform, "/")
	if len(parts) < 2 || len(parts) > 3 || slices.Contains(parts, "") {
		return ""
	}
	for _, p := range parts {
		if !consistsOf(p, lowerHex+"ghijklmnopqrstuvwxyz_") {
			return ""
		}
	}
	return parts[1]
}

// GitCredentialVar is one git credential and the executor's variable it becomes.
type GitCredentialVar struct {
	Name  string // GIT_USERNAME, GIT_PASSWORD or GIT_TOKEN
	Field string // under spec.gitCredentials
	Value *KanikoSecretEnv
}

// Vars lists the credentials that are set, in a fixed order.
func (g *KanikoGitCredentials) Vars() []GitCredentialVar {
	if g == nil {
		return nil
	}
	var out []GitCredentialVar
	for _, v := range []GitCredentialVar{{"GIT_USERNAME", "username", g.Username}, {"GIT_PASSWORD", "password", g.Password}, {"GIT_TOKEN", "token", g.Token}} {
		if v.Value != nil {
			out = append(out, v)
		}
	}
	return out
}

// validateGitCredentials accepts Secret references only, in the combinations kaniko reads.
func (s *KanikoJobSpec) validateGitCredentials(p *field.Path) field.ErrorList {
	g := s.GitCredentials
	if g == nil {
		return nil
	}
	var errs field.ErrorList
	envs := g.Vars()
	if len(envs) == 0 {
		return field.ErrorList{field.Required(p, "set token (GitHub), or username and password, each from valueFrom.secretKeyRef")}
	}
	for _, e := range envs {
		fp := p.Child(e.Field)
		switch v := e.Value; {
		case v.Value != "":
			errs = append(errs, field.Forbidden(fp.Child("value"), fmt.Sprintf(
				"a literal %s is readable by everyone who can read the Job: put it in a Secret and reference it with valueFrom.secretKeyRef {name, key}", e.Name)))
		case v.ValueFrom != nil && (v.ValueFrom.ConfigMapKeyRef != nil || v.ValueFrom.FieldRef != nil || v.ValueFrom.ResourceFieldRef != nil || v.ValueFrom.FileKeyRef != nil):
			errs = append(errs, field.Forbidden(fp.Child("valueFrom"), "only secretKeyRef: credentials belong in a Secret"))
		case v.ValueFrom == nil || v.ValueFrom.SecretKeyRef == nil:
			errs = append(errs, field.Required(fp.Child("valueFrom", "secretKeyRef"), "git credentials come from a Secret: valueFrom.secretKeyRef {name, key}"))
		default:
			ref := v.ValueFrom.SecretKeyRef
			errs = append(errs, s.validateObjectName(ref.Name, fp.Child("valueFrom", "secretKeyRef", "name"))...)
			if ref.Name == "" {
				errs = append(errs, field.Required(fp.Child("valueFrom", "secretKeyRef", "name"), "name the Secret"))
			}
			if ref.Key == "" {
				errs = append(errs, field.Required(fp.Child("valueFrom", "secretKeyRef", "key"), "name the Secret's key"))
			}
		}
	}
	switch {
	case g.Token != nil && (g.Username != nil || g.Password != nil):
		errs = append(errs, field.Forbidden(p.Child("token"),
			"kaniko ignores GIT_USERNAME and GIT_PASSWORD when GIT_TOKEN is set (it sends the token as the user name): set token alone, or username and password"))
	case g.Token == nil && (g.Username == nil || g.Password == nil):
		missing := "password"
		if g.Username == nil {
			missing = "username"
		}
		errs = append(errs, field.Required(p.Child(missing), "set username and password together, or token alone"))
	}
	return errs
}

// RevisionRule is what a revision must be.
const RevisionRule = "a revision is a git commit SHA: 7 to 40 hex characters"

// IsRevision tells whether rev is a git commit SHA, full or abbreviated.
func IsRevision(rev string) bool {
	return len(rev) >= 7 && len(rev) <= 40 && consistsOf(rev, lowerHex+"ABCDEF")
}

// IsFullCommit tells whether s is a full git commit SHA, which kaniko can check out.
func IsFullCommit(s string) bool { return len(s) == 40 && consistsOf(s, lowerHex) }

// Build-context schemes kaniko reads that a Job can use.
const (
	ContextSchemeGit = "git"
	ContextSchemeDir = "dir"
	ContextSchemeTar = "tar"
	ContextSchemeS3  = "s3"
	ContextSchemeGS  = "gs"
)

// ContextScheme is the scheme of the build context, e.g. git.
func (s *KanikoJobSpec) ContextScheme() string {
	scheme, _, _ := strings.Cut(s.Context, "://")
	return scheme
}

func (s *KanikoJobSpec) validateContext(spec *field.Path) field.ErrorList {
	p := spec.Child("context")
	ctx := s.Context
	if ctx == "" {
		return field.ErrorList{field.Required(p, "set the build context, e.g. git://github.com/org/app.git#refs/heads/main")}
	}
	if host, repo, ok := strings.Cut(strings.TrimPrefix(ctx, "git@"), ":"); strings.HasPrefix(ctx, "git@") && ok {
		return field.ErrorList{field.Invalid(p, ctx, fmt.Sprintf(
			"kaniko clones git contexts over HTTPS, not SSH: write git://%s/%s#refs/heads/<branch> (or #refs/tags/<tag>, or #<commit SHA>)", host, repo))}
	}
	scheme, rest, ok := strings.Cut(ctx, "://")
	switch {
	case !ok:
		return field.ErrorList{field.Invalid(p, ctx, "a build context starts with git://, dir://, tar://, s3:// or gs://")}
	case scheme == "ssh":
		return field.ErrorList{field.Invalid(p, ctx, "kaniko clones git contexts over HTTPS, not SSH: write git://<host>/<path>.git#<ref>")}
	case scheme == ContextSchemeGit && strings.Contains(strings.Split(strings.Split(rest, "#")[0], "/")[0], "@"):
		return field.ErrorList{field.Invalid(p, redactUserinfo(ctx), "credentials never go in the URL, where the Job, its logs and the image label show them: use spec.gitCredentials")}
	case scheme == ContextSchemeGit:
		return validateGitContext(ctx, rest, p)
	case scheme == ContextSchemeDir || scheme == ContextSchemeTar:
		return s.validateWorkspaceContext(scheme, rest, p, spec.Child("workspace", "claimName"))
	case scheme == ContextSchemeS3 || scheme == ContextSchemeGS:
		// kaniko downloads one object and unpacks it as a gzipped tarball.
		if bucket, _, _ := strings.Cut(rest, "/"); bucket == "" || !strings.HasSuffix(rest, ".tar.gz") {
			return field.ErrorList{field.Invalid(p, ctx, "an object-storage context is a gzipped tarball: "+scheme+"://<bucket>/<path>.tar.gz")}
		}
		return nil
	default:
		return field.ErrorList{field.Invalid(p, ctx, fmt.Sprintf("unsupported scheme %q: use git://, dir://, tar://, s3:// or gs://", scheme))}
	}
}

// redactUserinfo hides the user information of a git URL in messages.
func redactUserinfo(ctx string) string {
	scheme, rest, _ := strings.Cut(ctx, "://")
	at := strings.LastIndex(strings.Split(rest, "/")[0], "@")
	return scheme + "://***" + rest[at:]
}

// validateGitContext requires a ref: without one kaniko builds whatever the default branch
// holds when the Job runs, which no tag can name.
func validateGitContext(ctx, rest string, p *field.Path) field.ErrorList {
	parts := strings.Split(rest, "#")
	var problem string
	switch {
	case parts[0] == "":
		problem = "name the repository: git://<host>/<path>.git#<ref>"
	case len(parts) < 2 || parts[1] == "":
		problem = "add the ref to build: #refs/heads/<branch>, #refs/tags/<tag> or #<commit SHA>"
	case len(parts) > 3:
		problem = "a git context is git://<host>/<path>.git#<ref>, optionally followed by #<commit SHA>"
	case !strings.HasPrefix(parts[1], "refs/") && !IsFullCommit(parts[1]):
		problem = "the ref is refs/heads/<branch>, refs/tags/<tag> or a full 40-character commit SHA"
	case len(parts) == 3 && !IsFullCommit(parts[2]):
		problem = "the commit after the second '#' is a full 40-character SHA"
	default:
		return nil
	}
	return field.ErrorList{field.Invalid(p, ctx, problem)}
}

// validateWorkspaceContext: dir:// and tar:// contexts are paths in the executor's
// filesystem, so they must be on the workspace claim mounted there.
func (s *KanikoJobSpec) validateWorkspaceContext(scheme, where string, p, claim *field.Path) field.ErrorList {
	var errs field.ErrorList
	if path.Clean(where) != where || (where != KanikoWorkspacePath && !strings.HasPrefix(where, KanikoWorkspacePath+"/")) {
		errs = append(errs, field.Invalid(p, s.Context, fmt.Sprintf(
			"a %s:// context is a path on the workspace claim, which is mounted at %s: %s://%s/<path>",
			scheme, KanikoWorkspacePath, scheme, KanikoWorkspacePath)))
	}
	if scheme == ContextSchemeTar && !strings.HasSuffix(where, ".tar.gz") {
		errs = append(errs, field.Invalid(p, s.Context, "a tar:// context is a gzipped tarball: tar:///workspace/<path>.tar.gz"))
	}
	if s.Workspace.ClaimName == "" {
		errs = append(errs, field.Required(claim, fmt.Sprintf(
			"a %s:// context is read from a PersistentVolumeClaim mounted at %s: name it here", scheme, KanikoWorkspacePath)))
	}
	return errs
}

// validateInContext requires a path that stays inside the build context.
func (s *KanikoJobSpec) validateInContext(p string, fp *field.Path) field.ErrorList {
	if p == "" {
		return nil
	}
	if path.IsAbs(p) || slices.Contains(strings.Split(p, "/"), "..") {
		return field.ErrorList{field.Invalid(fp, p, "a path inside the build context: relative, without '..'")}
	}
	return nil
}

// validateDestinations: seeds/003 — never latest; every pushed image is named by a tag a
// rollback can go back to.
func (s *KanikoJobSpec) validateDestinations(p *field.Path) field.ErrorList {
	if len(s.Destinations) == 0 {
		return field.ErrorList{field.Required(p, "add at least one image to push, e.g. registry.example.com/team/app:1.4.2")}
	}
	var errs field.ErrorList
	seen := map[string]bool{}
	for i, d := range s.Destinations {
		tag, err := ParseDestination(d)
		if err != nil {
			errs = append(errs, field.Invalid(p.Index(i), d, err.Error()))
			continue
		}
		if seen[tag.Name()] {
			errs = append(errs, field.Duplicate(p.Index(i), d))
		}
		seen[tag.Name()] = true
	}
	return errs
}

// ParseDestination parses a destination, which must carry an explicit tag other than latest.
func ParseDestination(d string) (name.Tag, error) {
	if strings.Contains(d, "@") {
		return name.Tag{}, fmt.Errorf("kaniko pushes tags, not digests: write <repository>:<version>")
	}
	tag, err := name.NewTag(d, name.WithDefaultTag(""))
	switch {
	case err != nil:
		return name.Tag{}, err
	case tag.TagStr() == "":
		return name.Tag{}, fmt.Errorf("add a version tag (e.g. %s:1.0.0): an untagged push is latest, which no rollback can go back to", d)
	case tag.TagStr() == "latest":
		return name.Tag{}, fmt.Errorf("use a version tag instead of latest, which moves with every push and cannot be rolled back to")
	}
	return tag, nil
}

func (s *KanikoJobSpec) validateObjectName(n string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if n != "" {
		for _, msg := range validation.IsDNS1123Subdomain(n) {
			errs = append(errs, field.Invalid(p, n, msg))
		}
	}
	return errs
}

func (s *KanikoJobSpec) validateCache(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if s.Cache.Repo != "" {
		if _, err := name.NewRepository(s.Cache.Repo); err != nil {
			errs = append(errs, field.Invalid(p.Child("repo"), s.Cache.Repo, "a repository without tag or digest: "+err.Error()))
		}
	}
	if s.Cache.TTL != "" {
		if d, err := time.ParseDuration(s.Cache.TTL); err != nil || d <= 0 {
			errs = append(errs, field.Invalid(p.Child("ttl"), s.Cache.TTL, "a positive Go duration, e.g. 168h"))
		}
	}
	return errs
}

// kanikoOwnedFlags are the executor flags the function sets from spec fields, by the field
// that sets them: extraArgs may not repeat them.
var kanikoOwnedFlags = map[string]string{
	"--context": "spec.context", "-c": "spec.context",
	"--context-sub-path": "spec.contextSubPath",
	"--dockerfile":       "spec.dockerfile", "-f": "spec.dockerfile",
	"--destination": "spec.destinations", "-d": "spec.destinations",
	"--build-arg": "spec.buildArgs",
	"--target":    "spec.target",
	"--cache":     "spec.cache.enabled", "--cache-repo": "spec.cache.repo", "--cache-ttl": "spec.cache.ttl",
	"--digest-file":     "the function (it writes the digest to /dev/termination-log)",
	"--custom-platform": "spec.customPlatform", "--customPlatform": "spec.customPlatform",
}

// OCI labels the function sets from the revision and the context.
const (
	LabelRevision = "org.opencontainers.image.revision"
	LabelSource   = "org.opencontainers.image.source"
)

func (s *KanikoJobSpec) validateExtraArgs(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, arg := range s.ExtraArgs {
		flag, value, _ := strings.Cut(arg, "=")
		if owner, owned := kanikoOwnedFlags[flag]; owned {
			errs = append(errs, field.Forbidden(p.Index(i), fmt.Sprintf("%s is set by %s: use that instead", flag, owner)))
		}
		if label, _, _ := strings.Cut(value, "="); flag == "--label" && (label == LabelRevision || label == LabelSource) {
			errs = append(errs, field.Forbidden(p.Index(i), fmt.Sprintf("the label %s is set from spec.revision and spec.context", label)))
		}
	}
	return errs
}

func (s *KanikoJobSpec) validateJobLimits(spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	if *s.BackoffLimit < 0 {
		errs = append(errs, field.Invalid(spec.Child("backoffLimit"), *s.BackoffLimit, "must be 0 or more"))
	}
	if *s.ActiveDeadlineSeconds <= 0 {
		errs = append(errs, field.Invalid(spec.Child("activeDeadlineSeconds"), *s.ActiveDeadlineSeconds, "must be more than 0"))
	}
	if *s.TTLSecondsAfterFinished < 0 {
		errs = append(errs, field.Invalid(spec.Child("ttlSecondsAfterFinished"), *s.TTLSecondsAfterFinished, "must be 0 or more"))
	}
	return errs
}

// validateResources rejects what the API server would: negative quantities, and requests
// above their limits.
func (s *KanikoJobSpec) validateResources(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	r := s.Resources
	for _, list := range []struct {
		name   string
		values corev1.ResourceList
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		for _, res := range slices.Sorted(maps.Keys(list.values)) {
			if q := list.values[res]; q.Sign() < 0 {
				errs = append(errs, field.Invalid(p.Child(list.name).Key(string(res)), q.String(), "must not be negative"))
			}
		}
	}
	for _, res := range slices.Sorted(maps.Keys(r.Requests)) {
		request := r.Requests[res]
		if limit, ok := r.Limits[res]; ok && limit.Sign() >= 0 && request.Cmp(limit) > 0 {
			errs = append(errs, field.Invalid(p.Child("requests").Key(string(res)), request.String(),
				fmt.Sprintf("must be less than or equal to the %s limit, %s", res, limit.String())))
		}
	}
	return errs
}

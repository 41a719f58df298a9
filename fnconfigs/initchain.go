package fnconfigs

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// InitChain prepares a pod's files with ordered init containers on a shared volume,
// instead of RUN git clone and RUN pip install in a derived image: each step runs after
// the previous one finished, all before the app containers, which mount the volume.
type InitChain struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        Metadata      `json:"metadata"`
	Spec            InitChainSpec `json:"spec"`
}

// InitChainSpec says which steps run, where they go among the init containers, and how
// the app containers see their work.
type InitChainSpec struct {
	Targets `json:",inline"`
	// Volume is shared by the steps and the app containers: any core/v1 Volume; default
	// an emptyDir named workspace. An emptyDir lives as long as the pod, so what the steps
	// wrote survives container restarts, and the steps run again on it.
	Volume *corev1.Volume `json:"volume,omitempty"`
	// WorkspacePath is where every step sees the volume; default /workspace. Relative
	// paths of the step helpers are relative to it.
	WorkspacePath string `json:"workspacePath,omitempty"`
	// Steps become init containers named `<metadata.name>-<step name>`, run in this order;
	// at least one, each with an image. A step's mount of a volume the pod does not have
	// is an error.
	Steps []InitChainStep `json:"steps"`
	// Position is where the steps go among the pod's existing init containers: append
	// (default), prepend, {before: NAME} or {after: NAME}.
	Position any `json:"position,omitempty"`
	// AppMounts are how containers of the pod see the volume; default every app container
	// at workspacePath, and [] mounts it in none.
	AppMounts []InitChainAppMount `json:"appMounts,omitempty"`
	// PostStart gives an app container a postStart hook that waits, bounded, for a path
	// and then runs a command.
	PostStart *InitChainPostStart `json:"postStart,omitempty"`
	// Strict turns warnings into errors.
	Strict bool `json:"strict,omitempty"`
}

// InitChainStep is one init container: any core/v1 Container fields, or one of the
// shorthands script, gitClone and pip, which write its command and args.
type InitChainStep struct {
	corev1.Container `json:",inline"`
	// Script is shell text run as [sh, -ec, script]: -e stops at the first failing
	// command. Values are best passed in env and used as "${NAME}".
	Script string `json:"script,omitempty"`
	// GitClone checks out a pinned revision of a git repository, idempotently.
	GitClone *InitChainGitClone `json:"gitClone,omitempty"`
	// Pip installs Python packages into a virtual environment, idempotently.
	Pip *InitChainPip `json:"pip,omitempty"`
}

// InitChainGitClone clones the repository into dest when dest is empty, fetches into it
// when an earlier start of the pod cloned it already, then checks out revision. The step
// image needs sh and git.
type InitChainGitClone struct {
	// Repo is the repository's URL (https://, http://, ssh://, git://, file://, host:path
	// or an absolute path), without credentials: mount them from a Secret instead.
	Repo string `json:"repo"`
	// Revision is the commit to check out: a full commit SHA, or a tag or branch name,
	// which can move (a warning).
	Revision string `json:"revision"`
	// Dest is the directory of the checkout, relative to workspacePath or absolute;
	// default workspacePath.
	Dest string `json:"dest,omitempty"`
	// Depth is how many commits of history to fetch: default 1, the revision alone; 0
	// fetches the whole history. A commit SHA is fetched alone (git fetch --depth N origin
	// SHA), and with the whole history of every branch and tag when the server refuses a
	// commit it does not advertise.
	Depth *int32 `json:"depth,omitempty"`
	// Submodules checks out the submodules too, recursively, fetched with the same depth.
	Submodules bool `json:"submodules,omitempty"`
	// Sparse limits the checkout to these directories (git sparse-checkout, cone mode:
	// the files at the top of the repository come too): relative paths without '..'.
	Sparse []string `json:"sparse,omitempty"`
	// Credentials name the Secret git authenticates with: an HTTPS token through
	// GIT_ASKPASS, or an SSH key with the hosts it trusts. The step mounts the Secret
	// read-only; its values never appear in the pod spec.
	Credentials *InitChainGitCredentials `json:"credentials,omitempty"`
}

// InitChainGitCredentials is a Secret in the workload's namespace, mounted read-only
// (mode 0400) at /etc/unbake/git-credentials in the step alone. For an https:// repo,
// git asks for the user name and password through GIT_ASKPASS, which prints the
// Secret's files (the keys of a kubernetes.io/basic-auth Secret: password is the token;
// without a username key, the user name is x-access-token). For an ssh:// or host:path
// repo, GIT_SSH_COMMAND uses the key and checks the server against known_hosts
// (StrictHostKeyChecking=yes): both keys are required.
type InitChainGitCredentials struct {
	// SecretName is the Secret's name.
	SecretName string `json:"secretName"`
	// Keys are the Secret's keys, where they differ from the defaults.
	Keys *InitChainGitCredentialKeys `json:"keys,omitempty"`
}

// InitChainGitCredentialKeys name the Secret's keys.
type InitChainGitCredentialKeys struct {
	// Username is the key of the HTTPS user name; default username. Optional in the Secret.
	Username string `json:"username,omitempty"`
	// Password is the key of the HTTPS token or password; default password.
	Password string `json:"password,omitempty"`
	// SSHPrivateKey is the key of the SSH private key; default ssh-privatekey.
	SSHPrivateKey string `json:"sshPrivateKey,omitempty"`
	// KnownHosts is the key of the SSH known_hosts lines that name the server; default
	// known_hosts.
	KnownHosts string `json:"knownHosts,omitempty"`
}

// InitChainPip creates a virtual environment unless it exists, then pip-installs into it.
// The step image needs sh and python3 of the Python version the app runs: a virtual
// environment only works with the interpreter version that made it.
type InitChainPip struct {
	// Venv is the virtual environment's directory, relative to workspacePath or absolute.
	Venv string `json:"venv"`
	// Packages are requirement specifiers, e.g. Flask==3.1.0.
	Packages []string `json:"packages,omitempty"`
	// Requirements is a requirements file, relative to workspacePath or absolute.
	Requirements string `json:"requirements,omitempty"`
	// RequireHashes runs pip with --require-hashes: every package, dependencies included,
	// must be pinned with == and carry a --hash, or pip installs nothing. Each of packages
	// must then read NAME==VERSION --hash=sha256:HEX (checked here); the requirements file,
	// which a step before writes, is checked by pip when it runs.
	RequireHashes bool `json:"requireHashes,omitempty"`
	// CacheVolume holds pip's cache instead of the workspace, e.g. a PersistentVolumeClaim
	// that the pods share, so that a new pod downloads nothing the cache has. It is added to
	// the pod and mounted in the step at /var/cache/unbake-pip.
	CacheVolume *corev1.Volume `json:"cacheVolume,omitempty"`
}

// InitChainAppMount mounts the volume in some containers of the pod.
type InitChainAppMount struct {
	// Containers are the names of the containers (app, init or native sidecar) that get the
	// mount; default every app container.
	Containers []string `json:"containers,omitempty"`
	// MountPath is where the containers see the volume: an absolute path.
	MountPath string `json:"mountPath"`
	// SubPath mounts this directory of the volume instead of its root: a relative path
	// without '..'.
	SubPath string `json:"subPath,omitempty"`
	// ReadOnly mounts the volume read-only.
	ReadOnly bool `json:"readOnly,omitempty"`
}

// InitChainPostStart is a postStart hook that waits for a path (a socket, a file) to
// appear, at most timeoutSeconds, then runs command: the kubelet may run a postStart hook
// before the container's entrypoint, so whatever the hook needs may not exist yet.
type InitChainPostStart struct {
	// Container is the app container that gets the hook; default the pod's only app
	// container.
	Container string `json:"container,omitempty"`
	// WaitForPath is the absolute path the hook waits for.
	WaitForPath string `json:"waitForPath"`
	// TimeoutSeconds bounds the wait; default 60. When it expires the hook fails with a
	// message, and the kubelet kills and restarts the container.
	TimeoutSeconds int32 `json:"timeoutSeconds,omitempty"`
	// Command runs once the path exists, in exec form: no shell, arguments as written.
	Command []string `json:"command"`
}

// Defaults and positions of InitChain.
const (
	DefaultWorkspaceVolume         = "workspace"
	DefaultWorkspacePath           = "/workspace"
	DefaultPostStartTimeoutSeconds = 60
	DefaultGitDepth                = 1

	// StepHome is HOME of every step, under workspacePath: the steps may run as any user
	// (Pod Security restricted), whose home in the image may not exist or not be writable.
	StepHome = ".unbake/home"
	// PipCache is pip's cache under workspacePath, unless the step has a cacheVolume.
	PipCache = ".unbake/pip-cache"
	// PipCacheVolumePath is where a pip step mounts its cacheVolume.
	PipCacheVolumePath = "/var/cache/unbake-pip"
	// GitCredentialsPath is where a gitClone step mounts its credentials' Secret.
	GitCredentialsPath = "/etc/unbake/git-credentials"

	// The keys of the Secret types kubernetes.io/basic-auth and kubernetes.io/ssh-auth,
	// and the file name ssh gives known hosts.
	DefaultUsernameKey      = "username"
	DefaultPasswordKey      = "password"
	DefaultSSHPrivateKeyKey = "ssh-privatekey"
	DefaultKnownHostsKey    = "known_hosts"

	PositionAppend  = "append"
	PositionPrepend = "prepend"
	PositionBefore  = "before"
	PositionAfter   = "after"
)

// Placement is a decoded position: Edge is append, prepend, before or after, Name the
// init container of before and after.
type Placement struct {
	Edge, Name string
}

// String writes the placement as the config does.
func (p Placement) String() string {
	if p.Name == "" {
		return p.Edge
	}
	return fmt.Sprintf("{%s: %s}", p.Edge, p.Name)
}

// Default sets the workspace volume and path, the app mounts, position append, and the
// postStart timeout.
func (c *InitChain) Default() {
	s := &c.Spec
	if s.Volume == nil {
		s.Volume = &corev1.Volume{Name: DefaultWorkspaceVolume,
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
	}
	if s.WorkspacePath == "" {
		s.WorkspacePath = DefaultWorkspacePath
	}
	if s.AppMounts == nil {
		s.AppMounts = []InitChainAppMount{{MountPath: s.WorkspacePath}}
	}
	if s.Position == nil {
		s.Position = PositionAppend
	}
	if s.PostStart != nil && s.PostStart.TimeoutSeconds == 0 {
		s.PostStart.TimeoutSeconds = DefaultPostStartTimeoutSeconds
	}
	for i := range s.Steps {
		if g := s.Steps[i].GitClone; g != nil {
			if g.Depth == nil {
				depth := int32(DefaultGitDepth)
				g.Depth = &depth
			}
			if g.Credentials != nil {
				g.Credentials.defaultKeys()
			}
		}
	}
}

func (c *InitChainGitCredentials) defaultKeys() {
	if c.Keys == nil {
		c.Keys = &InitChainGitCredentialKeys{}
	}
	k := c.Keys
	for _, d := range []struct {
		field *string
		value string
	}{
		{&k.Username, DefaultUsernameKey}, {&k.Password, DefaultPasswordKey},
		{&k.SSHPrivateKey, DefaultSSHPrivateKeyKey}, {&k.KnownHosts, DefaultKnownHostsKey},
	} {
		if *d.field == "" {
			*d.field = d.value
		}
	}
}

// CredentialsVolume is the name of the volume of a gitClone step's credentials: the
// step's init container name and -git.
func (c *InitChain) CredentialsVolume(step string) string { return c.StepName(step) + "-git" }

// UsesSSH tells whether git reaches the repository over SSH: an ssh:// URL or git's
// scp-like host:path.
func (g *InitChainGitClone) UsesSSH() bool {
	return strings.HasPrefix(g.Repo, "ssh://") || (!strings.Contains(g.Repo, "://") && !strings.HasPrefix(g.Repo, "/"))
}

// IsStrict tells whether warnings fail the run.
func (c *InitChain) IsStrict() bool { return c.Spec.Strict }

// StepName is the init container name of the step called step.
func (c *InitChain) StepName(step string) string { return c.Metadata.Name + "-" + step }

// Placement decodes the position.
func (s *InitChainSpec) Placement() (Placement, error) {
	switch p := s.Position.(type) {
	case string:
		if p == PositionAppend || p == PositionPrepend {
			return Placement{Edge: p}, nil
		}
	case map[string]any:
		if len(p) != 1 {
			break
		}
		for edge, name := range p {
			if name, ok := name.(string); ok && (edge == PositionBefore || edge == PositionAfter) {
				return Placement{Edge: edge, Name: name}, nil
			}
		}
	}
	return Placement{}, errors.New("must be append, prepend, {before: NAME} or {after: NAME}")
}

// WorkspaceFile resolves a helper's path: relative paths are under workspacePath, and ""
// is workspacePath itself.
func (s *InitChainSpec) WorkspaceFile(p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(s.WorkspacePath, p)
}

// Validate checks the config on its own; checks against the pods come with the transform.
func (c *InitChain) Validate() field.ErrorList {
	spec := field.NewPath("spec")
	s := &c.Spec
	errs := c.Metadata.Validate(field.NewPath("metadata"))
	errs = append(errs, s.Targets.Validate(spec)...)
	errs = append(errs, validateDNSLabel(s.Volume.Name, spec.Child("volume", "name"))...)
	if s.Volume.VolumeSource == (corev1.VolumeSource{}) {
		errs = append(errs, field.Required(spec.Child("volume"), "set a volume source, e.g. emptyDir: {}"))
	}
	errs = append(errs, validateAbsolutePath(s.WorkspacePath, spec.Child("workspacePath"))...)
	if len(s.Steps) == 0 {
		errs = append(errs, field.Required(spec.Child("steps"), "add at least one step"))
	}
	names := map[string]bool{}
	for i := range s.Steps {
		p := spec.Child("steps").Index(i)
		errs = append(errs, c.validateStep(&s.Steps[i], p)...)
		if name := s.Steps[i].Name; names[name] {
			errs = append(errs, field.Duplicate(p.Child("name"), name))
		}
		names[s.Steps[i].Name] = true
	}
	errs = append(errs, c.validateVolumeNames(spec)...)
	errs = append(errs, c.validatePosition(spec.Child("position"))...)
	for i, m := range s.AppMounts {
		errs = append(errs, m.validate(spec.Child("appMounts").Index(i))...)
	}
	if s.PostStart != nil {
		errs = append(errs, s.PostStart.validate(spec.Child("postStart"))...)
	}
	return errs
}

func (c *InitChain) validatePosition(p *field.Path) field.ErrorList {
	placement, err := c.Spec.Placement()
	if err != nil {
		return field.ErrorList{field.Invalid(p, c.Spec.Position, err.Error())}
	}
	if placement.Name == "" {
		return nil
	}
	errs := validateDNSLabel(placement.Name, p.Child(placement.Edge))
	for _, step := range c.Spec.Steps {
		if c.StepName(step.Name) == placement.Name {
			errs = append(errs, field.Invalid(p.Child(placement.Edge), placement.Name,
				"names one of this config's own steps: name an init container of the pod"))
		}
	}
	return errs
}

// validateStep checks one step. Init containers run to completion, one after the other,
// so the API server forbids probes, lifecycle hooks and a restartPolicy on them (an init
// container with restartPolicy: Always is a native sidecar, not a step).
func (c *InitChain) validateStep(step *InitChainStep, p *field.Path) field.ErrorList {
	errs := validateDNSLabel(step.Name, p.Child("name"))
	if len(errs) == 0 {
		for _, msg := range validation.IsDNS1123Label(c.StepName(step.Name)) {
			errs = append(errs, field.Invalid(p.Child("name"), step.Name,
				fmt.Sprintf("the init container's name %q (<metadata.name>-<step name>) %s", c.StepName(step.Name), msg)))
		}
	}
	if step.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), "set the step's image, pinned to a version"))
	}
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"livenessProbe", step.LivenessProbe != nil}, {"readinessProbe", step.ReadinessProbe != nil},
		{"startupProbe", step.StartupProbe != nil}, {"lifecycle", step.Lifecycle != nil},
	} {
		if f.set {
			errs = append(errs, field.Forbidden(p.Child(f.name),
				"a step is an init container that runs to completion, which cannot have probes or lifecycle hooks: remove it"))
		}
	}
	if step.RestartPolicy != nil {
		errs = append(errs, field.Forbidden(p.Child("restartPolicy"),
			"a step runs to completion; an init container with restartPolicy: Always is a native sidecar: add it with InjectSidecar (native: true)"))
	}
	errs = append(errs, step.validateForm(p)...)
	errs = append(errs, c.validateStepMounts(step, p)...)
	errs = append(errs, validateMountPaths(step.VolumeMounts, p.Child("volumeMounts"))...)
	for i, port := range step.Ports {
		if port.ContainerPort == 0 {
			errs = append(errs, field.Required(p.Child("ports").Index(i).Child("containerPort"), "set the port number the step listens on"))
		}
	}
	if step.GitClone != nil {
		errs = append(errs, step.GitClone.validate(p.Child("gitClone"))...)
		errs = append(errs, c.validateWorkspaceFile(step, step.GitClone.Dest, p.Child("gitClone", "dest"))...)
	}
	if step.GitClone != nil && step.GitClone.Credentials != nil {
		errs = append(errs, c.validateCredentialsStep(step, p)...)
	}
	errs = append(errs, validateLiteralSecrets(step.Env, p.Child("env"))...)
	if step.Pip != nil {
		errs = append(errs, step.Pip.validate(p.Child("pip"))...)
		errs = append(errs, validatePipCache(step, p)...)
		errs = append(errs, c.validateWorkspaceFile(step, step.Pip.Venv, p.Child("pip", "venv"))...)
		errs = append(errs, c.validateWorkspaceFile(step, step.Pip.Requirements, p.Child("pip", "requirements"))...)
	}
	return errs
}

// validateForm allows one way of saying what the step runs.
func (step *InitChainStep) validateForm(p *field.Path) field.ErrorList {
	var set []string
	if len(step.Command) > 0 {
		set = append(set, "command")
	}
	if step.Script != "" {
		set = append(set, "script")
	}
	if step.GitClone != nil {
		set = append(set, "gitClone")
	}
	if step.Pip != nil {
		set = append(set, "pip")
	}
	var errs field.ErrorList
	if len(set) > 1 {
		errs = append(errs, field.Forbidden(p.Child(set[1]), fmt.Sprintf("set one of command (with args), script, gitClone and pip, not %s", strings.Join(set, " and "))))
	}
	if len(step.Args) > 0 && len(set) == 1 && set[0] != "command" {
		msg := "the " + set[0] + " helper writes the args: remove them"
		if set[0] == "script" {
			msg = "args after a script would become $0, $1, …: pass values in env and use \"${NAME}\" in the script"
		}
		errs = append(errs, field.Forbidden(p.Child("args"), msg))
	}
	return errs
}

// validateStepMounts keeps the step's own mounts off the workspace: every step gets the
// volume at workspacePath.
func (c *InitChain) validateStepMounts(step *InitChainStep, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, m := range step.VolumeMounts {
		mp := p.Child("volumeMounts").Index(i)
		if m.Name == c.Spec.Volume.Name {
			errs = append(errs, field.Invalid(mp.Child("name"), m.Name,
				"every step gets this volume at spec.workspacePath: remove the mount"))
		}
		if path.Clean(m.MountPath) == path.Clean(c.Spec.WorkspacePath) {
			errs = append(errs, field.Duplicate(mp.Child("mountPath"), m.MountPath))
		}
	}
	return errs
}

// validateWorkspaceFile requires a helper's path to lie on a volume the step mounts:
// anything else is in the container's own filesystem, which is gone when the step exits.
func (c *InitChain) validateWorkspaceFile(step *InitChainStep, file string, p *field.Path) field.ErrorList {
	if file == "" {
		return nil
	}
	if slices.Contains(strings.Split(file, "/"), "..") {
		return field.ErrorList{field.Invalid(p, file, "must not contain '..'")}
	}
	resolved := c.Spec.WorkspaceFile(file)
	mounts := []string{c.Spec.WorkspacePath}
	for _, m := range step.VolumeMounts {
		mounts = append(mounts, m.MountPath)
	}
	for _, m := range mounts {
		if m = path.Clean(m); resolved == m || strings.HasPrefix(resolved, strings.TrimSuffix(m, "/")+"/") {
			return nil
		}
	}
	return field.ErrorList{field.Invalid(p, file,
		"lies on no volume the step mounts, so it would be gone when the step exits: use a path relative to spec.workspacePath")}
}

func (g *InitChainGitClone) validate(p *field.Path) field.ErrorList {
	errs := validateGitRepo(g.Repo, p.Child("repo"))
	if g.Depth != nil && *g.Depth < 0 {
		errs = append(errs, field.Invalid(p.Child("depth"), *g.Depth, "must be 0 (the whole history) or more"))
	}
	for i, dir := range g.Sparse {
		// Cone mode takes directories; git reads '!', '*', '?', '[' and '\\' as patterns.
		if dir == "" || path.IsAbs(dir) || slices.Contains(strings.Split(dir, "/"), "..") ||
			strings.ContainsAny(dir, "!*?[]\\\x00\n\r") || strings.HasPrefix(dir, "-") {
			errs = append(errs, field.Invalid(p.Child("sparse").Index(i), dir,
				"must be a directory of the repository: a relative path without '..' or the pattern characters ! * ? [ ] \\"))
		}
	}
	if g.Credentials != nil {
		errs = append(errs, g.validateCredentials(p.Child("credentials"))...)
	}
	switch {
	case g.Revision == "":
		errs = append(errs, field.Required(p.Child("revision"),
			"pin the commit to check out: a full commit SHA (reproducible), or a tag or branch name"))
	case !isGitRevision(g.Revision) || strings.Contains(g.Revision, ".."):
		errs = append(errs, field.Invalid(p.Child("revision"), g.Revision,
			"must be a commit SHA, or a tag or branch name (letters, digits, '/', '.', '_', '-', not starting with '-')"))
	}
	return errs
}

// isGitRevision tells a commit SHA, tag or branch name: a subset of git check-ref-format
// that no shell or git option parser reads as anything but a name.
func isGitRevision(rev string) bool {
	const start = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
	return rev != "" && strings.IndexByte(start, rev[0]) >= 0 && consistsOf(rev, start+"./-")
}

// validateVolumeNames requires one volume per name among those the chain adds: the
// workspace, the credentials' Secrets, the pip caches (two steps may share one cache).
func (c *InitChain) validateVolumeNames(spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	volumes := map[string]corev1.Volume{c.Spec.Volume.Name: *c.Spec.Volume}
	claim := func(v corev1.Volume, p *field.Path) {
		if have, ok := volumes[v.Name]; ok && !equality.Semantic.DeepEqual(have, v) {
			errs = append(errs, field.Invalid(p, v.Name, "another volume of this config has this name: rename one"))
		}
		volumes[v.Name] = v
	}
	for i, step := range c.Spec.Steps {
		p := spec.Child("steps").Index(i)
		if step.GitClone != nil && step.GitClone.Credentials != nil {
			claim(corev1.Volume{Name: c.CredentialsVolume(step.Name), VolumeSource: corev1.VolumeSource{
				Secret: &corev1.SecretVolumeSource{SecretName: step.GitClone.Credentials.SecretName}}}, p.Child("name"))
		}
		if step.Pip != nil && step.Pip.CacheVolume != nil {
			claim(*step.Pip.CacheVolume, p.Child("pip", "cacheVolume", "name"))
		}
	}
	return errs
}

// validateCredentials checks the Secret's name and keys, and that the repository's
// transport takes them: a token sent over http:// would cross the network in clear text.
func (g *InitChainGitClone) validateCredentials(p *field.Path) field.ErrorList {
	c := g.Credentials
	var errs field.ErrorList
	if c.SecretName == "" {
		errs = append(errs, field.Required(p.Child("secretName"), "the name of the Secret with the credentials"))
	}
	for _, msg := range validation.IsDNS1123Subdomain(c.SecretName) {
		if c.SecretName != "" {
			errs = append(errs, field.Invalid(p.Child("secretName"), c.SecretName, msg))
		}
	}
	if k := c.Keys; k != nil {
		for _, key := range []struct{ name, value string }{
			{"username", k.Username}, {"password", k.Password}, {"sshPrivateKey", k.SSHPrivateKey}, {"knownHosts", k.KnownHosts},
		} {
			for _, msg := range validation.IsConfigMapKey(key.value) {
				errs = append(errs, field.Invalid(p.Child("keys", key.name), key.value, "must be a key of the Secret: "+msg))
			}
		}
	}
	switch {
	case strings.HasPrefix(g.Repo, "https://") || g.UsesSSH():
	case strings.HasPrefix(g.Repo, "http://"):
		errs = append(errs, field.Invalid(p, c.SecretName,
			"an http:// repo would send the token in clear text: use the repository's https:// URL"))
	default:
		errs = append(errs, field.Invalid(p, c.SecretName,
			"git takes credentials over https:// (a token) and SSH (a key): this repo's transport uses none, remove them"))
	}
	return errs
}

// credentialsEnv are the variables a step with credentials gets from the function.
var credentialsEnv = []string{"GIT_ASKPASS", "GIT_SSH_COMMAND", "GIT_TERMINAL_PROMPT",
	"UNBAKE_GIT_USERNAME_FILE", "UNBAKE_GIT_PASSWORD_FILE"}

// validateCredentialsStep keeps the step's own fields off what the credentials set: the
// mount of the Secret, the variables that point git at it, and the volume's name.
func (c *InitChain) validateCredentialsStep(step *InitChainStep, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range step.Env {
		if slices.Contains(credentialsEnv, e.Name) {
			errs = append(errs, field.Invalid(p.Child("env").Index(i).Child("name"), e.Name,
				"gitClone.credentials sets it: remove it from the step's env"))
		}
	}
	for i, m := range step.VolumeMounts {
		if path.Clean(m.MountPath) == GitCredentialsPath {
			errs = append(errs, field.Invalid(p.Child("volumeMounts").Index(i).Child("mountPath"), m.MountPath,
				"the credentials' Secret is mounted there: mount this volume elsewhere"))
		}
	}
	volume := c.CredentialsVolume(step.Name)
	for _, msg := range validation.IsDNS1123Label(volume) {
		errs = append(errs, field.Invalid(p.Child("name"), step.Name,
			fmt.Sprintf("the credentials' volume %q (<metadata.name>-<step name>-git) %s", volume, msg)))
	}
	return errs
}

// secretWords in an env variable's name say its value is a credential.
var secretWords = []string{"TOKEN", "PASSWORD", "PASSWD", "SECRET", "CREDENTIAL", "API_KEY", "PRIVATE_KEY"}

// validateLiteralSecrets rejects credentials written as literal env values: the pod spec
// is read by everyone who can read the workload, and kubectl prints it.
func validateLiteralSecrets(env []corev1.EnvVar, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range env {
		if e.Value == "" {
			continue
		}
		name := strings.ToUpper(e.Name)
		// A variable that names where a credential is (GIT_TOKEN_FILE, SECRET_NAME) is not one.
		where := slices.ContainsFunc([]string{"_FILE", "_PATH", "_DIR", "_NAME"}, func(suffix string) bool { return strings.HasSuffix(name, suffix) })
		secretName := !where && slices.ContainsFunc(secretWords, func(w string) bool { return strings.Contains(name, w) })
		hasPassword := false
		if u, err := url.Parse(e.Value); err == nil && u.User != nil {
			_, hasPassword = u.User.Password()
		}
		if secretName || hasPassword {
			errs = append(errs, field.Invalid(p.Index(i).Child("value"), "REDACTED",
				fmt.Sprintf("%s holds a credential as a literal value, which the pod spec shows to everyone who can read the workload: use valueFrom.secretKeyRef, or gitClone.credentials", e.Name)))
		}
	}
	return errs
}

// validatePipCache checks the cache volume of the step at p, and that the step's own
// mounts leave its path.
func validatePipCache(step *InitChainStep, p *field.Path) field.ErrorList {
	v := step.Pip.CacheVolume
	if v == nil {
		return nil
	}
	errs := validateDNSLabel(v.Name, p.Child("pip", "cacheVolume", "name"))
	if v.VolumeSource == (corev1.VolumeSource{}) {
		errs = append(errs, field.Required(p.Child("pip", "cacheVolume"), "set a volume source, e.g. persistentVolumeClaim: {claimName: pip-cache}"))
	}
	for i, m := range step.VolumeMounts {
		mp := p.Child("volumeMounts").Index(i)
		if path.Clean(m.MountPath) == PipCacheVolumePath {
			errs = append(errs, field.Invalid(mp.Child("mountPath"), m.MountPath, "the pip cache volume is mounted there: mount this volume elsewhere"))
		}
		if m.Name == v.Name {
			errs = append(errs, field.Invalid(mp.Child("name"), m.Name, "the pip step mounts its cacheVolume itself: remove this mount"))
		}
	}
	return errs
}

// credentialParameters are query parameters that carry credentials, e.g. GitLab's
// private_token or a signed URL's signature.
var credentialParameters = []string{"token", "password", "passwd", "secret", "key", "auth", "credential", "sig"}

// validateGitRepo accepts the URL forms git clones from, without credentials: a URL is
// written to logs, to the pod spec and to kubectl output, where a Secret's value is not.
func validateGitRepo(repo string, p *field.Path) field.ErrorList {
	useSecret := "git credentials belong in a Secret, not in the URL: name the Secret in gitClone.credentials.secretName (a token for https://, a key and known_hosts for SSH)"
	switch {
	case repo == "":
		return field.ErrorList{field.Required(p, "the URL of the repository to clone")}
	case strings.HasPrefix(repo, "-") || strings.ContainsAny(repo, "\x00\n\r\t ") || strings.Contains(repo, "::"):
		return field.ErrorList{field.Invalid(p, repo, "must be a URL (https://, http://, ssh://, git://, file://), host:path or an absolute path")}
	case strings.HasPrefix(repo, "/"):
		return nil
	case !strings.Contains(repo, "://"):
		// host:path, git's scp-like syntax for SSH; its user is the SSH login, not a secret.
		if host, _, ok := strings.Cut(repo, ":"); !ok || host == "" || strings.Contains(host, "/") {
			return field.ErrorList{field.Invalid(p, repo, "must be a URL (https://, http://, ssh://, git://, file://), host:path or an absolute path")}
		}
		return nil
	}
	u, err := url.Parse(repo)
	if err != nil {
		return field.ErrorList{field.Invalid(p, repo, "not a URL: "+err.Error())}
	}
	if !slices.Contains([]string{"https", "http", "ssh", "git", "file"}, u.Scheme) {
		return field.ErrorList{field.NotSupported(p, u.Scheme+"://", []string{"https://", "http://", "ssh://", "git://", "file://"})}
	}
	redacted := *u // the message must not repeat the credentials
	redacted.User, redacted.RawQuery = url.User("REDACTED"), ""
	if _, hasPassword := u.User.Password(); hasPassword || (u.User != nil && u.Scheme != "ssh") {
		return field.ErrorList{field.Invalid(p, redacted.String(), "has credentials in it: "+useSecret)}
	}
	for name := range u.Query() {
		for _, word := range credentialParameters {
			if strings.Contains(strings.ToLower(name), word) {
				redacted.User = u.User
				return field.ErrorList{field.Invalid(p, redacted.String()+"?…", fmt.Sprintf("has the query parameter %q, which carries credentials: %s", name, useSecret))}
			}
		}
	}
	return nil
}

func (pip *InitChainPip) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if pip.Venv == "" {
		errs = append(errs, field.Required(p.Child("venv"), "the virtual environment's directory, e.g. venv (under spec.workspacePath)"))
	}
	if len(pip.Packages) == 0 && pip.Requirements == "" {
		errs = append(errs, field.Required(p.Child("packages"), "list packages, or set requirements, or both"))
	}
	for i, pkg := range pip.Packages {
		// pip would read a leading '-' as an option, e.g. --index-url; a line break would
		// start another line of the requirements file that requireHashes writes.
		switch {
		case strings.TrimSpace(pkg) == "" || strings.HasPrefix(pkg, "-") || strings.ContainsAny(pkg, "\x00\n\r"):
			errs = append(errs, field.Invalid(p.Child("packages").Index(i), pkg,
				"must be a requirement specifier, e.g. Flask==3.1.0; pip options go in the step's env (PIP_INDEX_URL, …)"))
		case pip.RequireHashes && !hashedRequirement.MatchString(pkg):
			errs = append(errs, field.Invalid(p.Child("packages").Index(i), pkg,
				"requireHashes needs every package pinned with == and hashed: NAME==VERSION --hash=sha256:HEX (pip hash NAME-VERSION.whl, or pip-compile --generate-hashes, prints them)"))
		}
	}
	return errs
}

// hashedRequirement is a requirement that pip's hash-checking mode installs: pinned with
// == (or ===), optionally with extras and an environment marker, and one --hash or more.
var hashedRequirement = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._, -]*\])?\s*===?\s*[^\s;]+\s*(;[^-]*)?(\s+--hash[= ](sha256|sha384|sha512):[0-9a-f]+)+\s*$`)

func (m InitChainAppMount) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, name := range m.Containers {
		errs = append(errs, validateDNSLabel(name, p.Child("containers").Index(i))...)
	}
	errs = append(errs, validateAbsolutePath(m.MountPath, p.Child("mountPath"))...)
	// The API server's rule for subPath: it must stay inside the volume.
	if path.IsAbs(m.SubPath) || slices.Contains(strings.Split(m.SubPath, "/"), "..") {
		errs = append(errs, field.Invalid(p.Child("subPath"), m.SubPath, "must be a relative path without '..': a directory inside the volume"))
	}
	return errs
}

func (ps *InitChainPostStart) validate(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if ps.Container != "" {
		errs = append(errs, validateDNSLabel(ps.Container, p.Child("container"))...)
	}
	errs = append(errs, validateAbsolutePath(ps.WaitForPath, p.Child("waitForPath"))...)
	if ps.TimeoutSeconds < 1 {
		errs = append(errs, field.Invalid(p.Child("timeoutSeconds"), ps.TimeoutSeconds, "must be at least 1"))
	}
	if len(ps.Command) == 0 {
		errs = append(errs, field.Required(p.Child("command"), "the command to run once the path exists, e.g. [curl, …]"))
	}
	return errs
}

func validateAbsolutePath(p string, fp *field.Path) field.ErrorList {
	if p == "" {
		return field.ErrorList{field.Required(fp, "an absolute path")}
	}
	if !path.IsAbs(p) {
		return field.ErrorList{field.Invalid(fp, p, "must be an absolute path")}
	}
	return nil
}

package fnconfigs

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
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
	if step.Pip != nil {
		errs = append(errs, step.Pip.validate(p.Child("pip"))...)
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

// credentialParameters are query parameters that carry credentials, e.g. GitLab's
// private_token or a signed URL's signature.
var credentialParameters = []string{"token", "password", "passwd", "secret", "key", "auth", "credential", "sig"}

// validateGitRepo accepts the URL forms git clones from, without credentials: a URL is
// written to logs, to the pod spec and to kubectl output, where a Secret's value is not.
func validateGitRepo(repo string, p *field.Path) field.ErrorList {
	useSecret := "git credentials belong in a Secret, not in the URL: mount the Secret in the step (volumeMounts) and point git at it with env, e.g. GIT_CONFIG_COUNT=1, GIT_CONFIG_KEY_0=credential.helper, GIT_CONFIG_VALUE_0=\"store --file=/etc/git-credentials/.git-credentials\", or GIT_SSH_COMMAND for an SSH key"
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
		// pip would read a leading '-' as an option, e.g. --index-url.
		if strings.TrimSpace(pkg) == "" || strings.HasPrefix(pkg, "-") {
			errs = append(errs, field.Invalid(p.Child("packages").Index(i), pkg,
				"must be a requirement specifier, e.g. Flask==3.1.0; pip options go in the step's env (PIP_INDEX_URL, …)"))
		}
	}
	return errs
}

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

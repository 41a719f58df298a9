package fnconfigs

import (
	"math"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// SetRunAs sets the user and groups a pod's processes run as, in place of a Dockerfile
// USER, and can harden the pod up to the Pod Security Standards "restricted" profile.
type SetRunAs struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        Metadata     `json:"metadata"`
	Spec            SetRunAsSpec `json:"spec"`
}

// SetRunAsSpec says which IDs to set, where, and how strictly.
type SetRunAsSpec struct {
	Targets `json:",inline"`
	// Containers names the containers (app, init or native sidecar) whose securityContext
	// gets runAsUser, runAsGroup and runAsNonRoot; omitted, the pod's securityContext gets
	// them. fsGroup, fsGroupChangePolicy, supplementalGroups and supplementalGroupsPolicy
	// exist only at pod level and always go there.
	Containers []string `json:"containers,omitempty"`
	// RunAsUser is the numeric UID the processes run as, 0 to 2147483647 (a user name
	// cannot be used: the kubelet does not read the image's /etc/passwd).
	RunAsUser *int64 `json:"runAsUser,omitempty"`
	// RunAsGroup is the numeric primary GID. Without it the GID is the one the image's
	// /etc/passwd gives the UID, or 0 (root's group) when the UID has no entry there, so a
	// warning proposes one when runAsUser is set without it.
	RunAsGroup *int64 `json:"runAsGroup,omitempty"`
	// RunAsNonRoot makes the kubelet refuse to start a container that would run as UID 0;
	// default true when runAsUser is above 0.
	RunAsNonRoot *bool `json:"runAsNonRoot,omitempty"`
	// FSGroup is a GID added to every container's processes and given to the files of
	// volumes that support ownership management (emptyDir, configMap, secret, most CSI).
	FSGroup *int64 `json:"fsGroup,omitempty"`
	// FSGroupChangePolicy is OnRootMismatch (change ownership only when the volume's root
	// does not match) or Always.
	FSGroupChangePolicy string `json:"fsGroupChangePolicy,omitempty"`
	// SupplementalGroups are GIDs added to every container's processes.
	SupplementalGroups []int64 `json:"supplementalGroups,omitempty"`
	// SupplementalGroupsPolicy is Merge (add the groups the image's /etc/group gives the
	// user) or Strict (only the listed groups; Kubernetes 1.31 and later).
	SupplementalGroupsPolicy string `json:"supplementalGroupsPolicy,omitempty"`
	// Profile is none, baseline or restricted. restricted also sets, on every container of
	// the pod, allowPrivilegeEscalation: false and capabilities.drop: [ALL], and at pod
	// level seccompProfile RuntimeDefault and runAsNonRoot: true. baseline and restricted
	// check the result with the Pod Security Standards library: remaining violations are
	// errors. Default none.
	Profile string `json:"profile,omitempty"`
	// Override replaces an existing different value, and removes a container's own value
	// that would override a pod-level one, instead of reporting an error.
	Override bool `json:"override,omitempty"`
	// GroupSetup wraps the named containers' command so that they start as root, create the
	// group and user if the image lacks them, and run the original command with runuser.
	// The containers need an explicit command: the image's ENTRYPOINT is not known without
	// pulling it.
	GroupSetup *GroupSetup `json:"groupSetup,omitempty"`
	// ReadOnlyRootFilesystem sets readOnlyRootFilesystem in the securityContext of the
	// containers named in containers, or of every container of the pod: the image's files
	// cannot be changed while it runs. What the processes write goes to writablePaths and
	// home.
	ReadOnlyRootFilesystem *bool `json:"readOnlyRootFilesystem,omitempty"`
	// WritablePaths are absolute directories that stay writable: each becomes an emptyDir
	// volume of its own, per container, mounted there. A path the container already mounts
	// is left as it is.
	WritablePaths []WritablePath `json:"writablePaths,omitempty"`
	// Home is an absolute path that becomes the containers' HOME: an emptyDir mounted there
	// (unless the container already mounts one) and the HOME environment variable. A UID
	// the image's /etc/passwd does not list gets HOME=/ from the runtime, which it cannot
	// write; without home, a warning says so (a guess: the image cannot be read).
	Home string `json:"home,omitempty"`
	// AutomountServiceAccountToken sets the pod's automountServiceAccountToken: false keeps
	// the API token out of pods that do not call the API. Under profile restricted, a
	// warning proposes false for pods without a service account of their own.
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty"`
	// SeccompProfile is the pod's seccomp profile: type RuntimeDefault, Localhost (with
	// localhostProfile, a path below the kubelet's seccomp directory) or Unconfined (which
	// profile restricted forbids). Under profile restricted it replaces the RuntimeDefault
	// the profile sets.
	SeccompProfile *corev1.SeccompProfile `json:"seccompProfile,omitempty"`
	// AppArmorProfile is the pod's AppArmor profile (the securityContext field of
	// Kubernetes 1.30 and later): type RuntimeDefault, Localhost (with localhostProfile, a
	// profile loaded on the node) or Unconfined.
	AppArmorProfile *corev1.AppArmorProfile `json:"appArmorProfile,omitempty"`
	// Strict turns warnings into errors.
	Strict bool `json:"strict,omitempty"`
}

// WritablePath is a directory kept writable under readOnlyRootFilesystem.
type WritablePath struct {
	// Path is the absolute directory, e.g. /tmp or /var/cache/nginx.
	Path string `json:"path"`
	// Containers that get it; omitted, the containers the config targets (those named in
	// spec.containers, or every container of the pod).
	Containers []string `json:"containers,omitempty"`
}

// GroupSetup is the workaround for images that need a named group: groupadd -g
// <runAsGroup> <group> and useradd -u <runAsUser> <user> when missing, then
// runuser -u <user> -g <group> -- <command>.
type GroupSetup struct {
	// Group is the group's name; created with GID runAsGroup if the image has no such group.
	Group string `json:"group"`
	// User is the user's name; created with UID runAsUser if the image has no such user.
	User string `json:"user"`
}

// Profiles of SetRunAs: the Pod Security Standards levels it can enforce.
const (
	ProfileNone       = "none"
	ProfileBaseline   = "baseline"
	ProfileRestricted = "restricted"
)

// Allowed values of the pod-level policies.
var (
	Profiles                  = []string{ProfileNone, ProfileBaseline, ProfileRestricted}
	FSGroupChangePolicies     = []string{"OnRootMismatch", "Always"}
	SupplementalGroupPolicies = []string{"Merge", "Strict"}
)

// isPOSIXName tells a name that shadow-utils' groupadd and useradd accept.
func isPOSIXName(name string) bool {
	const start = "abcdefghijklmnopqrstuvwxyz_"
	return name != "" && len(name) <= 32 && strings.IndexByte(start, name[0]) >= 0 &&
		consistsOf(name, start+"0123456789-")
}

// Default sets profile: none and runAsNonRoot: true when runAsUser is above 0 (not with
// groupSetup, whose containers start as root).
func (c *SetRunAs) Default() {
	s := &c.Spec
	if s.Profile == "" {
		s.Profile = ProfileNone
	}
	if s.RunAsNonRoot == nil && s.RunAsUser != nil && *s.RunAsUser > 0 && s.GroupSetup == nil {
		nonRoot := true
		s.RunAsNonRoot = &nonRoot
	}
}

// IsStrict tells whether warnings fail the run.
func (c *SetRunAs) IsStrict() bool { return c.Spec.Strict }

// Validate checks the config on its own; checks against the pods come with the transform.
func (c *SetRunAs) Validate() field.ErrorList {
	spec := field.NewPath("spec")
	s := &c.Spec
	errs := c.Metadata.Validate(field.NewPath("metadata"))
	errs = append(errs, s.Targets.Validate(spec)...)
	names := map[string]bool{}
	for i, name := range s.Containers {
		errs = append(errs, validateDNSLabel(name, spec.Child("containers").Index(i))...)
		if names[name] {
			errs = append(errs, field.Duplicate(spec.Child("containers").Index(i), name))
		}
		names[name] = true
	}
	errs = append(errs, s.validateIDs(spec)...)
	errs = append(errs, validateEnum(s.FSGroupChangePolicy, FSGroupChangePolicies, spec.Child("fsGroupChangePolicy"))...)
	errs = append(errs, validateEnum(s.SupplementalGroupsPolicy, SupplementalGroupPolicies, spec.Child("supplementalGroupsPolicy"))...)
	errs = append(errs, validateEnum(s.Profile, Profiles, spec.Child("profile"))...)
	if s.RunAsUser != nil && *s.RunAsUser == 0 && s.RunAsNonRoot != nil && *s.RunAsNonRoot {
		errs = append(errs, field.Invalid(spec.Child("runAsNonRoot"), true,
			"runAsUser: 0 is root, so the kubelet would refuse to start the containers: set runAsUser above 0, or remove runAsNonRoot"))
	}
	if s.Profile == ProfileRestricted {
		errs = append(errs, s.validateRestricted(spec)...)
	}
	if s.GroupSetup != nil {
		errs = append(errs, s.validateGroupSetup(spec)...)
	}
	errs = append(errs, s.validateFilesystem(spec)...)
	if p := s.SeccompProfile; p != nil {
		errs = append(errs, validateProfileType(string(p.Type), p.LocalhostProfile, spec.Child("seccompProfile"))...)
	}
	if p := s.AppArmorProfile; p != nil {
		errs = append(errs, validateProfileType(string(p.Type), p.LocalhostProfile, spec.Child("appArmorProfile"))...)
	}
	if s.setsNothing() {
		errs = append(errs, field.Required(spec, "set runAsUser, runAsGroup, runAsNonRoot, fsGroup, supplementalGroups, a profile, readOnlyRootFilesystem, writablePaths, home, automountServiceAccountToken, seccompProfile or appArmorProfile: this config would change nothing"))
	}
	return errs
}

func (s *SetRunAsSpec) setsNothing() bool {
	return s.RunAsUser == nil && s.RunAsGroup == nil && s.RunAsNonRoot == nil && s.FSGroup == nil &&
		s.FSGroupChangePolicy == "" && len(s.SupplementalGroups) == 0 && s.SupplementalGroupsPolicy == "" &&
		s.Profile == ProfileNone && s.GroupSetup == nil && s.ReadOnlyRootFilesystem == nil && len(s.WritablePaths) == 0 &&
		s.Home == "" && s.AutomountServiceAccountToken == nil && s.SeccompProfile == nil && s.AppArmorProfile == nil
}

// validateIDs checks that every ID fits the API's range: Linux IDs are 32-bit, and the
// API keeps them below 2^31.
func (s *SetRunAsSpec) validateIDs(spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	check := func(id *int64, p *field.Path) {
		if id != nil && (*id < 0 || *id > math.MaxInt32) {
			errs = append(errs, field.Invalid(p, *id, "must be a numeric ID from 0 to 2147483647"))
		}
	}
	check(s.RunAsUser, spec.Child("runAsUser"))
	check(s.RunAsGroup, spec.Child("runAsGroup"))
	check(s.FSGroup, spec.Child("fsGroup"))
	for i := range s.SupplementalGroups {
		check(&s.SupplementalGroups[i], spec.Child("supplementalGroups").Index(i))
	}
	return errs
}

// validateRestricted rejects root IDs: restricted requires non-root users, and GID 0
// gives the processes root's group, which owns much of an image's files.
func (s *SetRunAsSpec) validateRestricted(spec *field.Path) field.ErrorList {
	var errs field.ErrorList
	root := func(id *int64, p *field.Path, what string) {
		if id != nil && *id == 0 {
			errs = append(errs, field.Invalid(p, 0, what+" 0 is root's: profile restricted needs a non-root ID"))
		}
	}
	root(s.RunAsUser, spec.Child("runAsUser"), "UID")
	root(s.RunAsGroup, spec.Child("runAsGroup"), "GID")
	root(s.FSGroup, spec.Child("fsGroup"), "GID")
	for i := range s.SupplementalGroups {
		root(&s.SupplementalGroups[i], spec.Child("supplementalGroups").Index(i), "GID")
	}
	if s.RunAsNonRoot != nil && !*s.RunAsNonRoot {
		errs = append(errs, field.Invalid(spec.Child("runAsNonRoot"), false, "profile restricted requires runAsNonRoot: true: remove it"))
	}
	return errs
}

func (s *SetRunAsSpec) validateGroupSetup(spec *field.Path) field.ErrorList {
	p := spec.Child("groupSetup")
	var errs field.ErrorList
	for _, n := range []struct {
		name string
		path *field.Path
	}{{s.GroupSetup.Group, p.Child("group")}, {s.GroupSetup.User, p.Child("user")}} {
		if !isPOSIXName(n.name) {
			errs = append(errs, field.Invalid(n.path, n.name,
				"must be a POSIX user or group name: a lowercase letter or '_', then up to 31 lowercase letters, digits, '_' or '-'"))
		}
	}
	if len(s.Containers) == 0 {
		errs = append(errs, field.Required(spec.Child("containers"), "name the containers whose command groupSetup wraps"))
	}
	if s.RunAsUser == nil {
		errs = append(errs, field.Required(spec.Child("runAsUser"), "groupSetup needs the UID of the user it runs the command as"))
	}
	if s.RunAsGroup == nil {
		errs = append(errs, field.Required(spec.Child("runAsGroup"), "groupSetup needs the GID of the group it creates"))
	}
	if s.RunAsNonRoot != nil && *s.RunAsNonRoot {
		errs = append(errs, field.Forbidden(spec.Child("runAsNonRoot"), "groupSetup starts the containers as root to create the group: remove runAsNonRoot"))
	}
	if s.Profile == ProfileRestricted {
		errs = append(errs, field.Forbidden(spec.Child("profile"), "groupSetup starts the containers as root, which profile restricted forbids: use profile baseline or none"))
	}
	return errs
}

func validateEnum(value string, allowed []string, p *field.Path) field.ErrorList {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return field.ErrorList{field.NotSupported(p, value, allowed)}
}

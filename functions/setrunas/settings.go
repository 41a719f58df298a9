package setrunas

import (
	"slices"
	"strconv"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Fields of a securityContext that set-runas writes, in the order of the API types, which
// is the order they are added in.
const (
	dropCapabilities         = "capabilities.drop"
	runAsUser                = "runAsUser"
	runAsGroup               = "runAsGroup"
	runAsNonRoot             = "runAsNonRoot"
	supplementalGroups       = "supplementalGroups"
	supplementalGroupsPolicy = "supplementalGroupsPolicy"
	fsGroup                  = "fsGroup"
	fsGroupChangePolicy      = "fsGroupChangePolicy"
	readOnlyRootFilesystem   = "readOnlyRootFilesystem"
	allowPrivilegeEscalation = "allowPrivilegeEscalation"
	seccompProfile           = "seccompProfile"
	appArmorProfile          = "appArmorProfile"
	// automountServiceAccountToken is a field of the pod spec, not of its securityContext.
	automountServiceAccountToken = "automountServiceAccountToken"
)

var fieldOrder = []string{dropCapabilities, runAsUser, runAsGroup, runAsNonRoot, supplementalGroups,
	supplementalGroupsPolicy, fsGroup, fsGroupChangePolicy, readOnlyRootFilesystem, allowPrivilegeEscalation,
	seccompProfile, appArmorProfile, automountServiceAccountToken}

// inheritable are the fields a container can set for itself, taking precedence over the
// pod's value.
var inheritable = []string{runAsUser, runAsGroup, runAsNonRoot, seccompProfile, appArmorProfile}

// setting is one value the config wants in a securityContext.
type setting struct {
	// container is the container's name, "" for the pod.
	container string
	// field is the securityContext field, dotted below securityContext.
	field string
	value *yaml.RNode
}

// key names the setting in the record: the field for the pod, container/field otherwise.
func (s setting) key() string { return recordKey(s.container, s.field) }

func recordKey(container, field string) string {
	if container == "" {
		return field
	}
	return container + "/" + field
}

// settings lists what cfg wants in the pod's securityContexts, the pod's first, then the
// containers' in pod order.
func settings(spec *fnconfigs.SetRunAsSpec, containers []string) []setting {
	var l settingList
	l.identity(spec)
	l.podOnly(spec)
	l.hardening(spec, containers)
	if spec.Profile == fnconfigs.ProfileRestricted {
		l.restricted(containers)
	}
	order := podOrder(containers)
	slices.SortStableFunc(l, func(a, b setting) int {
		if d := order[a.container] - order[b.container]; d != 0 {
			return d
		}
		return slices.Index(fieldOrder, a.field) - slices.Index(fieldOrder, b.field)
	})
	return l
}

// settingList holds one setting per container and field: the first added wins.
type settingList []setting

func (l *settingList) add(container, field string, value *yaml.RNode) {
	for _, s := range *l {
		if s.container == container && s.field == field {
			return
		}
	}
	*l = append(*l, setting{container: container, field: field, value: value})
}

func (l *settingList) addInt(container, field string, v *int64) {
	if v != nil {
		l.add(container, field, integer(*v))
	}
}

func (l *settingList) addString(container, field, v string) {
	if v != "" {
		l.add(container, field, yaml.NewStringRNode(v))
	}
}

// identity adds runAsUser, runAsGroup and runAsNonRoot where they go.
func (l *settingList) identity(spec *fnconfigs.SetRunAsSpec) {
	for _, scope := range identityScopes(spec) {
		if spec.GroupSetup != nil {
			// The wrapper needs root to create the group; it then drops to the user.
			l.add(scope, runAsUser, integer(0))
			l.add(scope, runAsNonRoot, boolean(false))
			continue
		}
		l.addInt(scope, runAsUser, spec.RunAsUser)
		l.addInt(scope, runAsGroup, spec.RunAsGroup)
		if spec.RunAsNonRoot != nil {
			l.add(scope, runAsNonRoot, boolean(*spec.RunAsNonRoot))
		}
	}
}

// podOnly adds the fields only a PodSecurityContext has.
func (l *settingList) podOnly(spec *fnconfigs.SetRunAsSpec) {
	if len(spec.SupplementalGroups) > 0 {
		groups := yaml.NewListRNode()
		for _, g := range spec.SupplementalGroups {
			groups.YNode().Content = append(groups.YNode().Content, integer(g).YNode())
		}
		l.add("", supplementalGroups, groups)
	}
	l.addString("", supplementalGroupsPolicy, spec.SupplementalGroupsPolicy)
	l.addInt("", fsGroup, spec.FSGroup)
	l.addString("", fsGroupChangePolicy, spec.FSGroupChangePolicy)
}

// hardening adds readOnlyRootFilesystem where it goes, and the pod's profiles and token
// mount. Added before restricted's, a configured seccompProfile replaces its default.
func (l *settingList) hardening(spec *fnconfigs.SetRunAsSpec, containers []string) {
	if spec.ReadOnlyRootFilesystem != nil {
		for _, name := range targetContainers(spec, containers) {
			l.add(name, readOnlyRootFilesystem, boolean(*spec.ReadOnlyRootFilesystem))
		}
	}
	if p := spec.SeccompProfile; p != nil {
		l.add("", seccompProfile, profile(string(p.Type), p.LocalhostProfile))
	}
	if p := spec.AppArmorProfile; p != nil {
		l.add("", appArmorProfile, profile(string(p.Type), p.LocalhostProfile))
	}
	if spec.AutomountServiceAccountToken != nil {
		l.add("", automountServiceAccountToken, boolean(*spec.AutomountServiceAccountToken))
	}
}

// targetContainers are the containers named in spec.containers, or every container.
func targetContainers(spec *fnconfigs.SetRunAsSpec, containers []string) []string {
	if len(spec.Containers) > 0 {
		return spec.Containers
	}
	return containers
}

// profile is a seccomp or AppArmor profile, its fields in the API's order.
func profile(kind string, localhost *string) *yaml.RNode {
	n := yaml.NewMapRNode(nil)
	_ = n.PipeE(yaml.SetField("type", yaml.NewStringRNode(kind)))
	if localhost != nil {
		_ = n.PipeE(yaml.SetField("localhostProfile", yaml.NewStringRNode(*localhost)))
	}
	return n
}

// restricted adds what the restricted level requires of every pod.
func (l *settingList) restricted(containers []string) {
	// At pod level, seccompProfile and runAsNonRoot also cover containers added later,
	// such as kubectl debug's ephemeral containers, which the policy checks too.
	l.add("", runAsNonRoot, boolean(true))
	l.add("", seccompProfile, yaml.NewMapRNode(&map[string]string{"type": runtimeDefault}))
	for _, name := range containers {
		l.add(name, dropCapabilities, yaml.NewStringRNode("ALL"))
		l.add(name, allowPrivilegeEscalation, boolean(false))
	}
}

// podOrder ranks the pod ("") first, then its containers in spec order.
func podOrder(containers []string) map[string]int {
	order := map[string]int{"": -1}
	for i, name := range containers {
		order[name] = i
	}
	return order
}

// identityScopes are where runAsUser, runAsGroup and runAsNonRoot go: the named
// containers, or the pod.
func identityScopes(spec *fnconfigs.SetRunAsSpec) []string {
	if len(spec.Containers) > 0 {
		return spec.Containers
	}
	return []string{""}
}

// integer and boolean are tagged, so that the writer does not quote them as strings.
func integer(v int64) *yaml.RNode {
	return yaml.NewRNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatInt(v, 10)})
}

func boolean(v bool) *yaml.RNode {
	return yaml.NewRNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(v)})
}

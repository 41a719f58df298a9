package setrunas

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// checkPod rejects pods the config cannot apply to: Windows pods, where the API server
// forbids the Linux IDs, and pods without the containers the config names.
func (p *pass) checkPod() bool {
	ok := true
	if krm.ScalarAt(p.w.Template.YNode(), "spec", "os", "name") == "windows" {
		p.Errorf(p.w.Field("spec.os.name"),
			"a Windows pod cannot have Linux user and group IDs (the API server rejects them): select only Linux workloads in spec.selector, or set securityContext.windowsOptions.runAsUserName in the manifest instead")
		ok = false
	}
	for i, name := range p.cfg.Spec.Containers {
		if _, found := p.containers[name]; !found {
			p.Errorf(p.w.Field("spec.containers"), "the pod has no container named %q (it has %s): correct spec.containers[%d] in the config, or narrow spec.selector",
				name, p.containerNames(), i)
			ok = false
		}
	}
	for i, wp := range p.cfg.Spec.WritablePaths {
		for j, name := range wp.Containers {
			if _, found := p.containers[name]; !found {
				p.Errorf(p.w.Field("spec.containers"), "the pod has no container named %q (it has %s): correct spec.writablePaths[%d].containers[%d] in the config, or narrow spec.selector",
					name, p.containerNames(), i, j)
				ok = false
			}
		}
	}
	return ok
}

// containerNames lists the pod's containers, quoted, for messages.
func (p *pass) containerNames() string {
	names := make([]string, len(p.names))
	for i, name := range p.names {
		names[i] = strconv.Quote(name)
	}
	return strings.Join(names, ", ")
}

// warnHome warns where a non-root UID will likely get HOME=/, which it cannot write: the
// runtime sets HOME from the image's /etc/passwd, which rarely lists an arbitrary UID.
func (p *pass) warnHome() {
	spec := &p.cfg.Spec
	if spec.RunAsUser == nil || *spec.RunAsUser == 0 || spec.Home != "" || spec.GroupSetup != nil {
		return
	}
	var without []string
	for _, name := range targetContainers(spec, p.names) {
		if workload.IndexNamed(p.containers[name].Node, "HOME", "env") < 0 {
			without = append(without, strconv.Quote(name))
		}
	}
	if len(without) > 0 {
		krm.Propose(p.Warnf("", "HOME will likely be / in %s, which UID %d cannot write, unless the image's /etc/passwd lists that UID (a guess: the function cannot read the image): set spec.home in the config to give them a writable HOME",
			strings.Join(without, ", "), *spec.RunAsUser), "/home/app")
	}
}

// warnTokenMount proposes automountServiceAccountToken: false under profile restricted
// for a pod that runs as the namespace's default service account, which rarely needs
// the API.
func (p *pass) warnTokenMount() {
	spec := &p.cfg.Spec
	pod := krm.Get(p.w.Template, "spec")
	if spec.Profile != fnconfigs.ProfileRestricted || spec.AutomountServiceAccountToken != nil ||
		krm.Get(pod, automountServiceAccountToken) != nil {
		return
	}
	if account := krm.ScalarAt(pod.YNode(), "serviceAccountName"); account != "" && account != "default" {
		return
	}
	krm.Propose(p.Warnf(p.w.Field("spec.automountServiceAccountToken"),
		"the pod runs as the namespace's default service account and gets its API token mounted: set spec.automountServiceAccountToken: false in the config unless the app calls the Kubernetes API"), false)
}

// warnMissingIDs warns where the resulting pod leaves an ID to the image.
func (p *pass) warnMissingIDs() {
	spec := &p.cfg.Spec
	if spec.RunAsUser != nil && spec.RunAsGroup == nil && spec.GroupSetup == nil {
		p.warnMissingGroup(*spec.RunAsUser)
	}
	if spec.Profile == fnconfigs.ProfileRestricted || (spec.RunAsNonRoot != nil && *spec.RunAsNonRoot) {
		p.warnNonRootWithoutUser()
	}
}

// warnMissingGroup: a UID without a GID gets the GID of the image's /etc/passwd entry
// for that UID, or 0 when there is none, so the process may run in root's group.
func (p *pass) warnMissingGroup(uid int64) {
	for _, scope := range identityScopes(&p.cfg.Spec) {
		if p.effective(scope, runAsGroup) != nil {
			continue
		}
		krm.Propose(p.Warnf(p.fieldOf(scope)+".securityContext.runAsGroup",
			"runAsUser %d is set without runAsGroup%s: the process's GID then comes from the image's /etc/passwd entry for UID %d, or is 0 (root's group) when the image has none; set spec.runAsGroup in the config",
			uid, scopeNote(scope), uid), uid)
	}
}

// warnNonRootWithoutUser: with runAsNonRoot and no runAsUser, the kubelet starts a
// container only if its image's USER is a numeric UID above 0; it cannot check a user name,
// and an image without USER runs as root.
func (p *pass) warnNonRootWithoutUser() {
	var names []string
	for _, name := range p.names {
		nonRoot := p.effective(name, runAsNonRoot)
		if nonRoot != nil && yaml.GetValue(nonRoot) == "true" && p.effective(name, runAsUser) == nil {
			names = append(names, strconv.Quote(name))
		}
	}
	if len(names) == 0 {
		return
	}
	containers := "container " + names[0]
	if len(names) > 1 {
		containers = "containers " + strings.Join(names, ", ")
	}
	p.Warnf(p.w.Field("spec.securityContext.runAsUser"),
		"%s must run as non-root but no runAsUser is set: the kubelet refuses to start a container unless its image's USER is a numeric UID above 0 (a user name cannot be checked; no USER means root); set spec.runAsUser in the config",
		containers)
}

// effective is the value Kubernetes uses for a container's field: its own, or the pod's.
// For the pod (""), the pod's.
func (p *pass) effective(container, field string) *yaml.RNode {
	if c, ok := p.containers[container]; ok {
		if v := current(c.Node, field); v != nil {
			return v
		}
	}
	spec := krm.Get(p.w.Template, "spec")
	if spec == nil {
		return nil
	}
	return current(spec, field)
}

func scopeNote(container string) string {
	if container == "" {
		return ""
	}
	return fmt.Sprintf(" for container %q", container)
}

package initchain

import (
	"fmt"
	"path"
	"slices"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// chain is what the config puts into every pod it targets, built once from the config.
type chain struct {
	cfg       *fnconfigs.InitChain
	placement fnconfigs.Placement
	steps     []step
	// volumes are the pod volumes the chain needs: the workspace first, then the
	// credentials' Secrets and the pip caches, in step order.
	volumes []volume
	mounts  []*yaml.RNode // one per spec.appMounts entry
	hook    *yaml.RNode   // the postStart handler, or nil
	// hash identifies all of the above: a pod recorded with it has them already.
	hash string
}

// step is one init container the config adds.
type step struct {
	name       string
	node       *yaml.RNode
	container  corev1.Container
	configPath string
	// userMounts is how many of container.VolumeMounts, after the workspace, are the
	// step's own.
	userMounts int
}

// volume is one pod volume of the chain, and the config field that asks for it.
type volume struct {
	spec       corev1.Volume
	node       *yaml.RNode
	configPath string
}

func newChain(cfg *fnconfigs.InitChain) (*chain, error) {
	s := &cfg.Spec
	placement, err := s.Placement()
	if err != nil {
		return nil, err // Validate rejected it already
	}
	c := &chain{cfg: cfg, placement: placement}
	if err := c.addVolume(*s.Volume, "spec.volume"); err != nil {
		return nil, err
	}
	var hashed []string
	for i := range s.Steps {
		configPath := fmt.Sprintf("spec.steps[%d]", i)
		container := stepContainer(cfg, &s.Steps[i])
		node, err := krm.FromObject(container)
		if err != nil {
			return nil, err
		}
		c.steps = append(c.steps, step{name: container.Name, node: node, container: container,
			configPath: configPath, userMounts: len(s.Steps[i].VolumeMounts)})
		hashed = append(hashed, node.MustString())
		for _, v := range stepVolumes(cfg, &s.Steps[i]) {
			if err := c.addVolume(v, configPath); err != nil {
				return nil, err
			}
		}
	}
	for _, m := range s.AppMounts {
		node, err := krm.FromObject(corev1.VolumeMount{Name: s.Volume.Name, MountPath: m.MountPath, SubPath: m.SubPath, ReadOnly: m.ReadOnly})
		if err != nil {
			return nil, err
		}
		c.mounts = append(c.mounts, node)
	}
	if s.PostStart != nil {
		handler := corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: postStartCommand(s.PostStart)}}
		if c.hook, err = krm.FromObject(handler); err != nil {
			return nil, err
		}
	}
	volumes := make([]string, len(c.volumes))
	for i, v := range c.volumes {
		volumes[i] = v.node.MustString()
	}
	c.hash = krm.Hash(hashed, volumes, placement.String(), s.AppMounts, s.PostStart)
	return c, nil
}

// addVolume adds a volume the chain needs once: two pip steps may share a cache
// (Validate rejects two different volumes of one name).
func (c *chain) addVolume(v corev1.Volume, configPath string) error {
	if slices.ContainsFunc(c.volumes, func(have volume) bool { return have.spec.Name == v.Name }) {
		return nil
	}
	node, err := krm.FromObject(v)
	if err != nil {
		return err
	}
	c.volumes = append(c.volumes, volume{spec: v, node: node, configPath: configPath})
	return nil
}

// stepVolumes are the volumes a step needs besides the workspace.
func stepVolumes(cfg *fnconfigs.InitChain, s *fnconfigs.InitChainStep) []corev1.Volume {
	var volumes []corev1.Volume
	if s.GitClone != nil && s.GitClone.Credentials != nil {
		// 0400: only the file's owner, root, reads it; with the pod's fsGroup, the kubelet
		// makes it readable by that group too (0440), which a step of another user needs.
		volumes = append(volumes, corev1.Volume{Name: cfg.CredentialsVolume(s.Name), VolumeSource: corev1.VolumeSource{
			Secret: &corev1.SecretVolumeSource{SecretName: s.GitClone.Credentials.SecretName, DefaultMode: pointer(int32(0o400))}}})
	}
	if s.Pip != nil && s.Pip.CacheVolume != nil {
		volumes = append(volumes, *s.Pip.CacheVolume)
	}
	return volumes
}

// stepContainer is the init container of a step: the step's own container fields, its
// command from a shorthand, the volume at workspacePath, HOME on it, and a
// securityContext that Pod Security restricted admits.
func stepContainer(cfg *fnconfigs.InitChain, s *fnconfigs.InitChainStep) corev1.Container {
	spec := &cfg.Spec
	c := *s.Container.DeepCopy()
	c.Name = cfg.StepName(s.Name)
	switch {
	case s.Script != "":
		c.Command = []string{"sh", "-ec", s.Script}
	case s.GitClone != nil:
		c.Command, c.Args = gitCloneCommand(spec, s.GitClone)
	case s.Pip != nil:
		c.Command, c.Args = pipCommand(spec, s.Pip)
	}
	workspace := corev1.VolumeMount{Name: spec.Volume.Name, MountPath: spec.WorkspacePath}
	c.VolumeMounts = append([]corev1.VolumeMount{workspace}, c.VolumeMounts...)
	setEnv(&c, "HOME", spec.WorkspaceFile(fnconfigs.StepHome))
	if g := s.GitClone; g != nil && g.Credentials != nil {
		c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: cfg.CredentialsVolume(s.Name),
			MountPath: fnconfigs.GitCredentialsPath, ReadOnly: true})
		file := func(key string) string { return path.Join(fnconfigs.GitCredentialsPath, key) }
		k := g.Credentials.Keys
		if g.UsesSSH() {
			// Key names are [-._a-zA-Z0-9]+: nothing in them is special to the shell that
			// git runs GIT_SSH_COMMAND with.
			setEnv(&c, "GIT_SSH_COMMAND", fmt.Sprintf("ssh -i %s -o IdentitiesOnly=yes -o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes",
				file(k.SSHPrivateKey), file(k.KnownHosts)))
		} else {
			setEnv(&c, "UNBAKE_GIT_USERNAME_FILE", file(k.Username))
			setEnv(&c, "UNBAKE_GIT_PASSWORD_FILE", file(k.Password))
		}
	}
	if p := s.Pip; p != nil && !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "PIP_NO_CACHE_DIR" }) {
		cache := spec.WorkspaceFile(fnconfigs.PipCache)
		if p.CacheVolume != nil {
			cache = fnconfigs.PipCacheVolumePath
			c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: p.CacheVolume.Name, MountPath: cache})
		}
		setEnv(&c, "PIP_CACHE_DIR", cache)
	}
	restrictable(&c)
	return c
}

// setEnv adds a variable the step does not set itself.
func setEnv(c *corev1.Container, name, value string) {
	if !slices.ContainsFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == name }) {
		c.Env = append(c.Env, corev1.EnvVar{Name: name, Value: value})
	}
}

// restrictable fills what the step's securityContext leaves unset with what Pod Security
// restricted requires of every container: no privilege escalation, no capabilities, the
// runtime's default seccomp profile. A step clones, installs and copies files, none of
// which needs more. The user and group are the pod's: a step sets its own only where its
// securityContext says so.
func restrictable(c *corev1.Container) {
	if c.SecurityContext == nil {
		c.SecurityContext = &corev1.SecurityContext{}
	}
	sc := c.SecurityContext
	if sc.AllowPrivilegeEscalation == nil {
		sc.AllowPrivilegeEscalation = pointer(false)
	}
	if sc.Capabilities == nil {
		sc.Capabilities = &corev1.Capabilities{}
	}
	if len(sc.Capabilities.Drop) == 0 {
		sc.Capabilities.Drop = []corev1.Capability{"ALL"}
	}
	if sc.SeccompProfile == nil {
		sc.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	}
}

func pointer[T any](v T) *T { return &v }

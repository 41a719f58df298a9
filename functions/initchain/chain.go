package initchain

import (
	"fmt"

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
	volume    *yaml.RNode
	mounts    []*yaml.RNode // one per spec.appMounts entry
	hook      *yaml.RNode   // the postStart handler, or nil
	// hash identifies all of the above: a pod recorded with it has them already.
	hash string
}

// step is one init container the config adds.
type step struct {
	name       string
	node       *yaml.RNode
	container  corev1.Container
	configPath string
}

func newChain(cfg *fnconfigs.InitChain) (*chain, error) {
	s := &cfg.Spec
	placement, err := s.Placement()
	if err != nil {
		return nil, err // Validate rejected it already
	}
	c := &chain{cfg: cfg, placement: placement}
	var hashed []string
	for i := range s.Steps {
		container := stepContainer(cfg, &s.Steps[i])
		node, err := krm.FromObject(container)
		if err != nil {
			return nil, err
		}
		c.steps = append(c.steps, step{name: container.Name, node: node, container: container,
			configPath: fmt.Sprintf("spec.steps[%d]", i)})
		hashed = append(hashed, node.MustString())
	}
	if c.volume, err = krm.FromObject(*s.Volume); err != nil {
		return nil, err
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
	c.hash = krm.Hash(hashed, c.volume.MustString(), placement.String(), s.AppMounts, s.PostStart)
	return c, nil
}

// stepContainer is the init container of a step: the step's own container fields, its
// command from a shorthand, and the volume at workspacePath.
func stepContainer(cfg *fnconfigs.InitChain, s *fnconfigs.InitChainStep) corev1.Container {
	spec := &cfg.Spec
	c := s.Container
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
	c.VolumeMounts = append([]corev1.VolumeMount{workspace}, s.VolumeMounts...)
	return c
}

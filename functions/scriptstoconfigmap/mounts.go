package scriptstoconfigmap

import (
	"fmt"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// newVolume is the pod volume of the ConfigMap, or of the Secret: every file, with its
// mode. A secret volume names its Secret in secretName, a configMap volume in name.
func newVolume(volumeName, kind, name string, files []file) (*yaml.Node, error) {
	var items []corev1.KeyToPath
	for _, f := range files {
		items = append(items, corev1.KeyToPath{Key: f.key, Path: f.key, Mode: &f.mode})
	}
	source := corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}, Items: items}}
	if kind == secretKind {
		source = corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: name, Items: items}}
	}
	node, err := krm.FromObject(corev1.Volume{Name: volumeName, VolumeSource: source})
	if err != nil {
		return nil, err
	}
	// Modes are written in decimal, which every YAML reader reads alike; the comment
	// shows the octal form people know from chmod.
	if items := krm.Lookup(node.YNode(), volumeField[kind], "items"); items != nil { // none without files
		for i, item := range items.Content {
			krm.Lookup(item, "mode").LineComment = fmt.Sprintf("# %#o", files[i].mode)
		}
	}
	return node.YNode(), nil
}

// newMounts are a target container's mounts: each file with a destination alone, by
// subPath, and the directory at mountPath when some file has no destination.
func newMounts(volumeName, mountPath string, files []file) ([]*yaml.Node, error) {
	var mounts []corev1.VolumeMount
	directory := false
	for _, f := range files {
		if f.destination == "" {
			directory = true
			continue
		}
		mounts = append(mounts, corev1.VolumeMount{Name: volumeName, MountPath: f.destination, SubPath: f.key, ReadOnly: true})
	}
	if directory && mountPath != "" {
		mounts = append(mounts, corev1.VolumeMount{Name: volumeName, MountPath: mountPath, ReadOnly: true})
	}
	nodes := make([]*yaml.Node, 0, len(mounts))
	for _, m := range mounts {
		node, err := krm.FromObject(m)
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, node.YNode())
	}
	return nodes, nil
}

// mount puts the volume of the generated object (called name), named spec.configMapName,
// into the pod and mounts it in the target containers, in place of the volume and mounts
// this config added before.
func (a *application) mount(targets []workload.Container, name string) error {
	volume := a.cfg.Spec.ConfigMapName
	previous := ownedVolume(a.w, a.generator)
	if len(a.mounts) == 0 || len(targets) == 0 {
		return a.unmount(previous)
	}
	if i := workload.IndexNamed(a.w.Template, volume, "spec", "volumes"); previous != volume && i >= 0 {
		a.Errorf(a.w.Field(fmt.Sprintf("spec.volumes[%d].name", i)),
			"the pod already has a volume named %q that this config did not add: rename that volume, or set spec.configMapName (which also names the volume) to another name",
			volume)
		return nil
	}
	var e edit
	if previous != "" && previous != volume {
		if err := a.removeVolume(previous, &e); err != nil {
			return err
		}
	}
	byContainer := map[string][]*yaml.Node{}
	for _, c := range targets {
		byContainer[c.Name()] = a.mounts
	}
	if err := setVolume(a.w, volume, a.volume, &e); err != nil {
		return err
	}
	if err := setMounts(a.w, volume, byContainer, &e); err != nil {
		return err
	}
	if err := recordVolume(a.w, a.generator, volume, &e); err != nil {
		return err
	}
	for _, c := range targets {
		a.checkMounts(c, volume)
	}
	if e.changed(a.w.Template) && !a.Failed() {
		a.Infof("", "mounted %s %s as volume %q in container(s) %s", a.cfg.GeneratedKind(), name, volume, strings.Join(containerNames(targets), ", "))
	}
	return nil
}

// unmount removes the volume this config added before, and its mounts.
func (a *application) unmount(previous string) error {
	if previous == "" {
		return nil
	}
	var e edit
	if err := a.removeVolume(previous, &e); err != nil {
		return err
	}
	a.Infof("", "removed volume %q and its mounts, which this config added before and no longer mounts", previous)
	return recordVolume(a.w, a.generator, "", &e)
}

func (a *application) removeVolume(name string, e *edit) error {
	if err := setVolume(a.w, name, nil, e); err != nil {
		return err
	}
	return setMounts(a.w, name, nil, e)
}

// release unmounts this config's volume from a workload it no longer targets.
func release(w workload.Workload, generator string) (framework.Results, error) {
	previous := ownedVolume(w, generator)
	if previous == "" {
		return nil, nil
	}
	a := &application{Report: krm.Report{Item: w.Item}, generator: generator, w: w}
	mounted := mountPaths(w, previous)
	if err := a.unmount(previous); err != nil {
		return nil, err
	}
	a.warnLeftCommand(mounted)
	return a.Results, nil
}

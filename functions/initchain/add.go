package initchain

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// add puts the chain into the copy, which holds none of the config's earlier parts, and
// reports every conflict with what the pod has.
func (a *application) add() error {
	spec, err := krm.Ensure(a.work.Template, yaml.MappingNode, "spec")
	if err != nil {
		return err
	}
	if err := a.addVolumes(spec); err != nil {
		return err
	}
	if err := a.addSteps(spec); err != nil {
		return err
	}
	a.checkStepVolumes()
	if err := a.addMounts(); err != nil {
		return err
	}
	return a.addHook()
}

// addVolumes adds the chain's volumes, or keeps identical ones of the pod's.
func (a *application) addVolumes(spec *yaml.RNode) error {
	for _, v := range a.c.volumes {
		i := workload.IndexNamed(spec, v.spec.Name, "volumes")
		if i < 0 {
			a.keys = append(a.keys, volumeKey(v.spec.Name))
			if err := insert(spec, "volumes", len(workload.Entries(spec, "volumes")), v.node); err != nil {
				return err
			}
			continue
		}
		data, err := workload.Entries(spec, "volumes")[i].MarshalJSON()
		if err != nil {
			return err
		}
		var have corev1.Volume
		if err := json.Unmarshal(data, &have); err != nil || !equality.Semantic.DeepEqual(have, v.spec) {
			a.Errorf(a.work.Field(fmt.Sprintf("spec.volumes[%d]", i)),
				"the pod already has a different volume named %q: rename the pod's volume or the one %s of the InitChain config asks for, or make them identical",
				v.spec.Name, v.configPath)
		}
	}
	return nil
}

// addSteps inserts the steps as init containers at the configured position.
func (a *application) addSteps(spec *yaml.RNode) error {
	clash := false
	for _, c := range a.work.Containers() {
		for _, s := range a.c.steps {
			if c.Name() == s.name {
				a.Errorf(a.work.Field(c.Field()+".name"),
					"the pod already has a container named %q that InitChain %s did not add: rename the step (%s.name in the config)",
					s.name, a.c.cfg.Metadata.Name, s.configPath)
				clash = true
			}
		}
	}
	at, ok := a.insertionIndex()
	if clash || !ok {
		return nil
	}
	nodes := make([]*yaml.RNode, len(a.c.steps))
	names := make([]string, len(a.c.steps))
	for i, s := range a.c.steps {
		nodes[i], names[i] = s.node, strconv.Quote(s.name)
		a.keys = append(a.keys, initKey(s.name))
	}
	// Readers expect initContainers above containers, in the order they run.
	createListBefore(spec, workload.InitContainers, workload.AppContainers)
	if err := insert(spec, workload.InitContainers, at, nodes...); err != nil {
		return err
	}
	what := "init container"
	if len(names) > 1 {
		what += "s"
	}
	a.changes = append(a.changes, fmt.Sprintf("added %s %s (position %s) with volume %q at %s: %s",
		what, strings.Join(names, ", "), a.c.placement, a.c.cfg.Spec.Volume.Name, a.c.cfg.Spec.WorkspacePath,
		a.describePlacement(at)))
	return nil
}

// checkStepVolumes rejects steps that mount volumes the pod does not have, e.g. a Secret
// with git credentials the workload does not declare.
func (a *application) checkStepVolumes() {
	volumes := a.work.VolumeNames()
	for _, s := range a.c.steps {
		for i, m := range s.container.VolumeMounts[1 : 1+s.userMounts] { // the first is the workspace
			if !volumes[m.Name] {
				a.ConfigErrorf(fmt.Sprintf("%s.volumeMounts[%d].name", s.configPath, i),
					"step %q mounts volume %q, which the pod does not have: add the volume to the workload, or correct the name",
					s.name, m.Name)
			}
		}
	}
}

// addMounts mounts the volume in the containers each appMount names.
func (a *application) addMounts() error {
	for i, m := range a.c.cfg.Spec.AppMounts {
		for _, c := range a.targets(m.Containers, fmt.Sprintf("spec.appMounts[%d].containers", i)) {
			if j := workload.MountIndex(c.Node, m.MountPath); j >= 0 {
				a.Errorf(a.work.Field(fmt.Sprintf("%s.volumeMounts[%d].mountPath", c.Field(), j)),
					"container %q already has a volume mounted at %s: change spec.appMounts[%d].mountPath in the InitChain config",
					c.Name(), m.MountPath, i)
				continue
			}
			if err := insert(c.Node, "volumeMounts", len(workload.Entries(c.Node, "volumeMounts")), a.c.mounts[i]); err != nil {
				return err
			}
			a.keys = append(a.keys, mountKey(c.Name(), m.MountPath))
			a.changes = append(a.changes, fmt.Sprintf("mounted volume %q in container %q at %s%s",
				a.c.cfg.Spec.Volume.Name, c.Name(), m.MountPath, mountNote(m.SubPath, m.ReadOnly)))
		}
	}
	return nil
}

func mountNote(subPath string, readOnly bool) string {
	var notes []string
	if subPath != "" {
		notes = append(notes, "subPath "+subPath)
	}
	if readOnly {
		notes = append(notes, "read-only")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

// targets are the pod's containers called names, other than the steps; none named, the
// app containers. A name the pod lacks is an error on the config field at path.
func (a *application) targets(names []string, path string) []workload.Container {
	var all, app []workload.Container
	for _, c := range a.work.Containers() {
		if slices.ContainsFunc(a.c.steps, func(s step) bool { return s.name == c.Name() }) {
			continue
		}
		all = append(all, c)
		if c.List == workload.AppContainers {
			app = append(app, c)
		}
	}
	if len(names) == 0 {
		return app
	}
	var picked []workload.Container
	for i, name := range names {
		j := slices.IndexFunc(all, func(c workload.Container) bool { return c.Name() == name })
		if j < 0 {
			a.ConfigErrorf(fmt.Sprintf("%s[%d]", path, i), "no container named %q (it has %s): correct the name, or narrow spec.selector",
				name, quoted(all))
			continue
		}
		picked = append(picked, all[j])
	}
	return picked
}

func quoted(containers []workload.Container) string {
	names := make([]string, len(containers))
	for i, c := range containers {
		names[i] = strconv.Quote(c.Name())
	}
	return strings.Join(names, ", ")
}

// addHook gives the app container the postStart hook. A postStart hook of the user's is
// never overwritten: a container has one, and replacing it would drop what it did.
func (a *application) addHook() error {
	ps := a.c.cfg.Spec.PostStart
	if ps == nil {
		return nil
	}
	app := a.targets(nil, "")
	var names []string
	if ps.Container != "" {
		names = []string{ps.Container}
	} else if len(app) != 1 {
		a.ConfigErrorf("spec.postStart.container", "the pod has the app containers %s: name the one that gets the hook", quoted(app))
		return nil
	}
	targets := a.targets(names, "spec.postStart.container")
	if len(targets) == 0 {
		return nil
	}
	c := targets[0]
	if c.List != workload.AppContainers {
		a.ConfigErrorf("spec.postStart.container", "%q is an init container: name an app container", c.Name())
		return nil
	}
	if krm.Get(c.Node, "lifecycle", "postStart") != nil {
		by := ""
		if owner, _ := a.rec.Owner(postStartKey(c.Name())); owner != "" {
			by = " (written by InitChain " + owner + ")"
		}
		a.Errorf(a.work.Field(c.Field()+".lifecycle.postStart"),
			"container %q already has a postStart hook%s, and a container has only one: remove it, or remove spec.postStart from the InitChain config",
			c.Name(), by)
		return nil
	}
	lifecycle, err := krm.Ensure(c.Node, yaml.MappingNode, "lifecycle")
	if err != nil {
		return err
	}
	if err := lifecycle.PipeE(yaml.SetField("postStart", a.c.hook.Copy())); err != nil {
		return err
	}
	a.keys = append(a.keys, postStartKey(c.Name()))
	a.changes = append(a.changes, fmt.Sprintf("postStart hook on container %q: waits up to %ds for %s, then runs %s",
		c.Name(), ps.TimeoutSeconds, ps.WaitForPath, ps.Command[0]))
	return nil
}

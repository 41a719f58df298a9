package injectsidecar

import (
	"fmt"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// injection is one config applied to one workload.
type injection struct {
	krm.Report
	cfg        *fnconfigs.InjectSidecar
	w          workload.Workload
	containers []part
	volumes    []part
	owned      krm.Record
}

// inject puts the sidecars and volumes into the workload's pod template. It returns
// whether anything changed.
func (in *injection) inject() (bool, error) {
	in.owned = krm.ParseRecord(in.w.Annotation(injectedAnnotation))
	if !in.checkNames() {
		return false, nil
	}
	changedVolumes, err := in.injectVolumes()
	if err != nil {
		return false, err
	}
	changedContainers, err := in.injectContainers()
	if err != nil {
		return false, err
	}
	in.checkPorts()
	in.checkVolumeMounts()
	if in.cfg.Spec.ExposePort != "" {
		in.checkAppProbes()
	}
	if !changedVolumes && !changedContainers {
		return false, nil
	}
	_, err = in.w.SetRecord(injectedAnnotation, in.owned)
	return true, err
}

// checkNames rejects sidecars whose names the pod already uses for a container this
// config did not inject: replacing it would silently drop the user's container.
func (in *injection) checkNames() bool {
	ok := true
	for _, c := range in.w.Containers() {
		for _, p := range in.containers {
			if c.Name() != p.name {
				continue
			}
			if _, owned := in.owned.OwnedBy(in.cfg.Metadata.Name, p.key); !owned {
				in.Errorf(in.w.Field(c.Field()+".name"),
					"the pod already has a container named %q that InjectSidecar %s did not inject: rename the sidecar in %s.name of the config",
					p.name, in.cfg.Metadata.Name, p.configPath)
				ok = false
			}
		}
	}
	return ok
}

// injectContainers re-injects all of the config's sidecars as one block whenever any of
// them is missing or changed, so the result equals a first injection.
func (in *injection) injectContainers() (bool, error) {
	config := in.cfg.Metadata.Name
	wanted := map[string]bool{}
	upToDate := true
	for _, p := range in.containers {
		wanted[p.key] = true
		if h, owned := in.owned.OwnedBy(config, p.key); !owned || h != p.hash || !in.present(p.name) {
			upToDate = false
		}
	}
	for _, key := range in.owned.Keys(config) {
		if strings.HasPrefix(key, "container/") && !wanted[key] {
			upToDate = false
		}
	}
	if upToDate {
		return false, nil
	}
	for _, key := range in.owned.Keys(config) {
		if name, isContainer := strings.CutPrefix(key, "container/"); isContainer {
			if err := in.removeContainer(name); err != nil {
				return false, err
			}
			in.owned.Forget(config, key)
		}
	}
	list := workload.AppContainers
	if in.cfg.Spec.Native {
		list = workload.InitContainers
	}
	nodes := make([]*yaml.Node, len(in.containers))
	for i, p := range in.containers {
		nodes[i] = krm.CopyNode(p.node.YNode())
		in.owned.Set(config, p.key, p.hash)
	}
	return true, in.insert(list, nodes)
}

func (in *injection) present(name string) bool {
	for _, c := range in.w.Containers() {
		if c.Name() == name {
			return true
		}
	}
	return false
}

func (in *injection) removeContainer(name string) error {
	spec := krm.Get(in.w.Template, "spec")
	for _, list := range []string{workload.InitContainers, workload.AppContainers} {
		if err := workload.RemoveEntries(spec, list, "name", name); err != nil {
			return err
		}
	}
	return nil
}

// insert adds nodes to the pod spec's list, at the configured position.
func (in *injection) insert(list string, nodes []*yaml.Node) error {
	seq, err := krm.Ensure(in.w.Template, yaml.SequenceNode, "spec", list)
	if err != nil {
		return err
	}
	if in.cfg.Spec.Position == fnconfigs.PositionFirst {
		seq.YNode().Content = append(nodes, seq.YNode().Content...)
	} else {
		seq.YNode().Content = append(seq.YNode().Content, nodes...)
	}
	return nil
}

// injectVolumes adds the config's volumes. A volume of the same name is kept when it is
// identical, replaced when this config injected it, and an error otherwise.
func (in *injection) injectVolumes() (bool, error) {
	config := in.cfg.Metadata.Name
	seq := krm.Get(in.w.Template, "spec", "volumes")
	changed := false
	wanted := map[string]bool{}
	for _, p := range in.volumes {
		wanted[p.key] = true
		existing := element(seq, p.name)
		if existing == nil {
			var err error
			if seq, err = krm.Ensure(in.w.Template, yaml.SequenceNode, "spec", "volumes"); err != nil {
				return false, err
			}
			seq.YNode().Content = append(seq.YNode().Content, krm.CopyNode(p.node.YNode()))
			in.owned.Set(config, p.key, p.hash)
			changed = true
			continue
		}
		same, err := sameVolume(existing, p.node)
		if err != nil {
			return false, err
		}
		h, owned := in.owned.OwnedBy(config, p.key)
		switch {
		case same && (!owned || h == p.hash):
		case owned:
			existing.SetYNode(krm.CopyNode(p.node.YNode()))
			in.owned.Set(config, p.key, p.hash)
			changed = true
		default:
			in.Errorf(in.w.Field(fmt.Sprintf("spec.volumes[%d]", workload.IndexNamed(seq, p.name))),
				"the pod already has a different volume named %q: rename the volume in %s.name of the config, or make it identical",
				p.name, p.configPath)
		}
	}
	for _, key := range in.owned.Keys(config) {
		if name, isVolume := strings.CutPrefix(key, "volume/"); isVolume && !wanted[key] && seq != nil {
			if err := workload.RemoveEntries(krm.Get(in.w.Template, "spec"), "volumes", "name", name); err != nil {
				return false, err
			}
			in.owned.Forget(config, key)
			changed = true
		}
	}
	return changed, nil
}

func element(seq *yaml.RNode, name string) *yaml.RNode {
	if seq == nil {
		return nil
	}
	return seq.Element("name", name)
}

func sameVolume(a, b *yaml.RNode) (bool, error) {
	ca, err := canonical(a)
	if err != nil {
		return false, fmt.Errorf("reading volume %q: %w", yaml.GetValue(a.Field("name").Value), err)
	}
	cb, err := canonical(b)
	return ca == cb, err
}

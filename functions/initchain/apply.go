package initchain

import (
	"slices"
	"strconv"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// application is the chain applied to one workload. Where the config was applied
// before, it works on a copy of the pod template, which replaces the template only when
// the result differs from what the record says the pod has: a re-run with the same
// config changes nothing, even where later functions added containers or mounts next to
// the chain's. Elsewhere every change stays, so it works on the template itself (a run
// with errors writes no items).
type application struct {
	krm.Report
	c       *chain
	w       workload.Workload // the workload as it is
	work    workload.Workload // the one changed: w, or w on a copy of its template
	rec     krm.Record
	keys    []string // the parts added to the copy, in order
	changes []string // what the infos report
}

func newApplication(c *chain, config *yaml.RNode, w workload.Workload) *application {
	return &application{Report: krm.Report{Item: w.Item, Config: config}, c: c, w: w, work: w, rec: krm.ParseRecord(w.Annotation(recordAnnotation))}
}

// apply replaces what the config added before by what it adds now.
func (a *application) apply() error {
	name := a.c.cfg.Metadata.Name
	old, had := recorded(a.rec, name)
	if had {
		a.work.Template = yaml.NewRNode(krm.CopyNode(a.w.Template.YNode()))
	}
	if err := a.remove(old.keys); err != nil {
		return err
	}
	if err := a.add(); err != nil || a.Failed() {
		return err
	}
	if had && old.hash == a.c.hash && slices.Equal(old.keys, slices.Sorted(slices.Values(a.keys))) && a.present(old.keys) {
		return nil
	}
	record(a.rec, name, a.c.hash, a.keys)
	if err := a.commit(); err != nil {
		return err
	}
	if had {
		a.changes[0] = "replaced what an earlier run added: " + a.changes[0]
	}
	for _, change := range a.changes {
		a.Infof("", "%s", change)
	}
	return nil
}

// release removes what the config added to a workload it no longer targets.
func (a *application) release() error {
	name := a.c.cfg.Metadata.Name
	old, had := recorded(a.rec, name)
	if !had {
		return nil
	}
	if err := a.remove(old.keys); err != nil {
		return err
	}
	record(a.rec, name, "", nil)
	if err := a.commit(); err != nil {
		return err
	}
	var steps []string
	for _, key := range old.keys {
		if kind, step, _ := parseKey(key); kind == "init" {
			steps = append(steps, strconv.Quote(step))
		}
	}
	a.Infof("",
		"removed the init containers %s and everything else InitChain %s added: the config no longer selects this workload",
		strings.Join(steps, ", "), name)
	return nil
}

// commit writes the record on the copy, and puts the copy in place of the template.
func (a *application) commit() error {
	if _, err := a.work.SetRecord(recordAnnotation, a.rec); err != nil {
		return err
	}
	a.w.Template.YNode().Content = a.work.Template.YNode().Content
	return nil
}

// present tells whether the workload still has every part recorded by keys.
func (a *application) present(keys []string) bool {
	containers := map[string]workload.Container{}
	for _, c := range a.w.Containers() {
		containers[c.Name()] = c
	}
	for _, key := range keys {
		kind, name, mountPath := parseKey(key)
		c, found := containers[name]
		switch kind {
		case "init":
			found = found && c.List == workload.InitContainers
		case "volume":
			found = a.w.VolumeNames()[name]
		case "mount":
			found = found && workload.MountIndex(c.Node, mountPath) >= 0
		case "postStart":
			found = found && krm.Get(c.Node, "lifecycle", "postStart") != nil
		}
		if !found {
			return false
		}
	}
	return true
}

// remove takes the parts recorded by keys out of the copy.
func (a *application) remove(keys []string) error {
	spec := krm.Get(a.work.Template, "spec")
	if spec == nil {
		return nil
	}
	for _, key := range keys {
		kind, name, mountPath := parseKey(key)
		var err error
		switch kind {
		case "init":
			err = workload.RemoveEntries(spec, workload.InitContainers, "name", name)
		case "volume":
			err = workload.RemoveEntries(spec, "volumes", "name", name)
		case "mount", "postStart":
			for _, c := range a.work.Containers() {
				if c.Name() != name {
					continue
				}
				if kind == "mount" {
					err = workload.RemoveEntries(c.Node, "volumeMounts", "mountPath", mountPath)
				} else {
					err = removePostStart(c.Node)
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func removePostStart(container *yaml.RNode) error {
	lifecycle := krm.Get(container, "lifecycle")
	if lifecycle == nil {
		return nil
	}
	if err := lifecycle.PipeE(yaml.Clear("postStart")); err != nil {
		return err
	}
	if len(lifecycle.Content()) == 0 {
		return container.PipeE(yaml.Clear("lifecycle"))
	}
	return nil
}

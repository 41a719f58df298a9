package setrunas

import (
	"fmt"
	pathpkg "path"
	"regexp"
	"slices"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// volumesAnnotation holds, on the pod template, the krm.Record of the volumes, mounts and
// HOME variables each SetRunAs config added for writablePaths and home ("volume/NAME",
// "mount/CONTAINER=PATH", "env/CONTAINER=HOME"): a re-run keeps them in place, and
// removes those the config no longer wants.
const volumesAnnotation = "fn.unbake.dev/set-runas-volumes"

// writable is one directory a config keeps writable in one container: an emptyDir
// volume mounted at mountPath, and for home the HOME variable.
type writable struct {
	container, mountPath, volume string
	home                         bool
}

func (w writable) volumeKey() string { return "volume/" + w.volume }
func (w writable) mountKey() string  { return "mount/" + w.container + "=" + w.mountPath }
func (w writable) envKey() string    { return "env/" + w.container + "=HOME" }

// writables lists what the config wants, in container order.
func (p *pass) writables() []writable {
	spec := &p.cfg.Spec
	var all []writable
	for _, name := range targetContainers(spec, p.names) {
		for _, wp := range spec.WritablePaths {
			if len(wp.Containers) == 0 || slices.Contains(wp.Containers, name) {
				dir := pathpkg.Clean(wp.Path)
				all = append(all, writable{container: name, mountPath: dir, volume: volumeName("rw", name, dir)})
			}
		}
		if spec.Home != "" {
			all = append(all, writable{container: name, mountPath: pathpkg.Clean(spec.Home), volume: volumeName("home", name, ""), home: true})
		}
	}
	return all
}

// applyWritables removes what the config added before and no longer wants, then adds
// what is missing, in place, so that a re-run changes nothing.
func (p *pass) applyWritables() error {
	config := p.cfg.Metadata.Name
	rec := krm.ParseRecord(p.w.Annotation(volumesAnnotation))
	wanted := p.writables()
	keep := map[string]bool{}
	for _, w := range wanted {
		keep[w.volumeKey()], keep[w.mountKey()], keep[w.envKey()] = true, true, w.home
	}
	for _, key := range rec.Keys(config) {
		if !keep[key] {
			if err := p.removePart(key); err != nil {
				return err
			}
			rec.Forget(config, key)
			container, what := describePart(key)
			addChange(&p.writable, container, what+" removed (no longer in the config)")
		}
	}
	for _, w := range wanted {
		what, err := p.addWritable(w, rec)
		if err != nil {
			return err
		}
		if what != "" {
			addChange(&p.writable, w.container, what)
		}
	}
	_, err := p.w.SetRecord(volumesAnnotation, rec)
	return err
}

// addWritable adds what w needs and is missing, and tells what it added ("" for nothing).
func (p *pass) addWritable(w writable, rec krm.Record) (string, error) {
	config := p.cfg.Metadata.Name
	c, ok := p.containers[w.container]
	if !ok {
		return "", nil // checkPod reported it
	}
	var what []string
	if workload.MountIndex(c.Node, w.mountPath) < 0 {
		if err := p.addVolume(w, rec); err != nil {
			return "", err
		}
		if err := appendEntry(c.Node, "volumeMounts", map[string]string{"name": w.volume, "mountPath": w.mountPath}); err != nil {
			return "", err
		}
		rec.Set(config, w.mountKey(), "")
		what = append(what, fmt.Sprintf("%s (emptyDir %s)", w.mountPath, w.volume))
	}
	if w.home {
		changed, err := p.setHome(c, w, rec)
		if err != nil {
			return "", err
		}
		if changed {
			what = append(what, "HOME="+w.mountPath)
		}
	}
	if len(what) == 0 {
		return "", nil
	}
	return strings.Join(what, ", "), nil
}

// addVolume adds w's emptyDir unless the pod has it; a volume of that name that the
// config did not add is the user's, and an error.
func (p *pass) addVolume(w writable, rec krm.Record) error {
	spec, err := krm.Ensure(p.w.Template, yaml.MappingNode, "spec")
	if err != nil {
		return err
	}
	if i := workload.IndexNamed(spec, w.volume, "volumes"); i >= 0 {
		if _, mine := rec.OwnedBy(p.cfg.Metadata.Name, w.volumeKey()); !mine {
			p.Errorf(p.w.Field(fmt.Sprintf("spec.volumes[%d]", i)),
				"the pod already has a volume named %q, which set-runas would add for %s in container %q: rename it",
				w.volume, w.mountPath, w.container)
		}
		return nil
	}
	volume := yaml.NewMapRNode(&map[string]string{"name": w.volume})
	if err := volume.PipeE(yaml.SetField("emptyDir", yaml.NewMapRNode(nil))); err != nil {
		return err
	}
	if err := appendNode(spec, "volumes", volume); err != nil {
		return err
	}
	rec.Set(p.cfg.Metadata.Name, w.volumeKey(), "")
	return nil
}

// setHome sets the HOME variable; another value the config did not set is the user's,
// and replacing it needs override.
func (p *pass) setHome(c workload.Container, w writable, rec krm.Record) (bool, error) {
	config := p.cfg.Metadata.Name
	i := workload.IndexNamed(c.Node, "HOME", "env")
	if i < 0 {
		rec.Set(config, w.envKey(), "")
		return true, appendEntry(c.Node, "env", map[string]string{"name": "HOME", "value": w.mountPath})
	}
	env := workload.Entries(c.Node, "env")[i]
	if krm.ScalarAt(env.YNode(), "value") == w.mountPath {
		return false, nil
	}
	if _, mine := rec.OwnedBy(config, w.envKey()); !mine && !p.cfg.Spec.Override {
		p.Errorf(p.w.Field(fmt.Sprintf("%s.env[%d]", c.Field(), i)),
			"container %q sets HOME itself, and SetRunAs %s sets home %s: set spec.override: true in the config to replace it, or remove spec.home",
			w.container, config, w.mountPath)
		return false, nil
	}
	rec.Set(config, w.envKey(), "")
	return true, env.PipeE(yaml.SetField("value", yaml.NewStringRNode(w.mountPath)))
}

// describePart tells a recorded part's scope ("" for the pod) and what it is, for messages.
func describePart(key string) (container, what string) {
	kind, rest, _ := strings.Cut(key, "/")
	container, mountPath, _ := strings.Cut(rest, "=")
	switch kind {
	case "volume":
		return "", "volume " + rest
	case "env":
		return container, "HOME"
	}
	return container, mountPath
}

// removePart removes one recorded part: a volume, a mount or a HOME variable.
func (p *pass) removePart(key string) error {
	kind, rest, _ := strings.Cut(key, "/")
	container, mountPath, _ := strings.Cut(rest, "=")
	if kind == "volume" {
		return workload.RemoveEntries(krm.Get(p.w.Template, "spec"), "volumes", "name", rest)
	}
	c, ok := p.containers[container]
	if !ok {
		return nil
	}
	if kind == "env" {
		return workload.RemoveEntries(c.Node, "env", "name", "HOME")
	}
	return workload.RemoveEntries(c.Node, "volumeMounts", "mountPath", mountPath)
}

func appendEntry(parent *yaml.RNode, list string, fields map[string]string) error {
	entry := yaml.NewMapRNode(nil)
	for _, key := range []string{"name", "value", "mountPath"} { // the API's order
		if v, ok := fields[key]; ok {
			if err := entry.PipeE(yaml.SetField(key, yaml.NewStringRNode(v))); err != nil {
				return err
			}
		}
	}
	return appendNode(parent, list, entry)
}

func appendNode(parent *yaml.RNode, list string, entry *yaml.RNode) error {
	seq, err := krm.Ensure(parent, yaml.SequenceNode, list)
	if err != nil {
		return err
	}
	seq.YNode().Content = append(seq.YNode().Content, entry.YNode())
	return nil
}

// volumeName is a DNS label for a volume: prefix, container and directory, with a hash
// of them when that is too long.
func volumeName(prefix, container, dir string) string {
	name := strings.Trim(nonLabel.ReplaceAllString(strings.ToLower(prefix+"-"+container+"-"+dir), "-"), "-")
	if len(name) > 63 {
		name = strings.TrimRight(name[:52], "-") + "-" + krm.Hash(prefix, container, dir)
	}
	return name
}

var nonLabel = regexp.MustCompile(`[^a-z0-9]+`)

package scriptstoconfigmap

import (
	"fmt"
	"path"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
)

// mountPoint is one volumeMount of a container.
type mountPoint struct {
	path, volume, field string
	ours                bool
}

// targetContainers returns the containers the config names, or the app containers when
// it names none; a name the pod lacks is an error.
func (a *application) targetContainers() []workload.Container {
	all := a.w.Containers()
	if len(a.cfg.Spec.Target.Containers) == 0 {
		var app []workload.Container
		for _, c := range all {
			if c.List == workload.AppContainers {
				app = append(app, c)
			}
		}
		return app
	}
	var targets []workload.Container
	for i, name := range a.cfg.Spec.Target.Containers {
		found := false
		for _, c := range all {
			if c.Name() == name {
				targets = append(targets, c)
				found = true
			}
		}
		if !found {
			a.ConfigErrorf(fmt.Sprintf("spec.target.containers[%d]", i),
				"no container named %q (it has %s): correct the name, or narrow spec.target.selector to the workloads that have it",
				name, strings.Join(containerNames(all), ", "))
		}
	}
	return targets
}

func containerNames(containers []workload.Container) []string {
	names := make([]string, len(containers))
	for i, c := range containers {
		names[i] = fmt.Sprintf("%q", c.Name())
	}
	return names
}

// checkMounts looks, in a target container, for mounts of this config's volume that
// share a path with another mount, which the API server rejects, or nest with one: the
// inner mount hides that part of the outer one.
func (a *application) checkMounts(c workload.Container, volume string) {
	var mounts []mountPoint
	for i, m := range workload.Entries(c.Node, "volumeMounts") {
		name := krm.ScalarAt(m.YNode(), "name")
		mounts = append(mounts, mountPoint{
			path:   path.Clean(krm.ScalarAt(m.YNode(), "mountPath")),
			volume: name,
			field:  a.w.Field(fmt.Sprintf("%s.volumeMounts[%d].mountPath", c.Field(), i)),
			ours:   name == volume,
		})
	}
	for i, m := range mounts {
		for _, o := range mounts[i+1:] {
			if !m.ours && !o.ours {
				continue
			}
			switch {
			case m.path == o.path:
				theirs := m
				if m.ours {
					theirs = o
				}
				a.Errorf(theirs.field, "volumes %q and %q are both mounted at %s in container %q, which the API server rejects: change spec.files[*].destination or spec.mountPath, or this mount",
					m.volume, o.volume, m.path, c.Name())
			case within(m.path, o.path):
				a.nested(c, m, o)
			case within(o.path, m.path):
				a.nested(c, o, m)
			}
		}
	}
}

// nested warns about inner, mounted inside outer.
func (a *application) nested(c workload.Container, inner, outer mountPoint) {
	if outer.ours {
		a.Warnf(inner.field, "%s (volume %q) is mounted inside %s, the read-only directory mount of %[5]s volume %[4]q, in container %[6]q: the runtime must create that mount point inside the read-only volume, which fails unless the %[5]s has a file there; mount the directory elsewhere (spec.mountPath) or give the file a destination outside it",
			inner.path, inner.volume, outer.path, outer.volume, a.cfg.GeneratedKind(), c.Name())
		return
	}
	a.Warnf(inner.field, "%s (volume %q) is mounted inside %s (volume %q) in container %q: it hides what that volume holds at %s, so files other containers put there are not seen here; choose a destination outside %s",
		inner.path, inner.volume, outer.path, outer.volume, c.Name(), inner.path, outer.path)
}

// within tells whether p lies inside the directory dir.
func within(p, dir string) bool {
	return dir == "/" && p != "/" || strings.HasPrefix(p, dir+"/")
}

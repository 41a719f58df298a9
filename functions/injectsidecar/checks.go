package injectsidecar

import (
	"fmt"
	"strconv"
)

// checkPorts rejects a sidecar port that another container of the pod also declares:
// containers in a pod share one network namespace, so the second bind would fail.
func (in *injection) checkPorts() {
	ours := map[string]bool{}
	for _, p := range in.containers {
		ours[p.name] = true
	}
	taken := map[string]string{}
	for _, c := range in.w.Containers() {
		if ours[c.Name()] {
			continue
		}
		for _, port := range c.Ports() {
			taken[port.Number+"/"+port.Protocol] = port.Field
			if port.Name != "" && port.Name == in.cfg.Spec.ExposePort {
				in.Errorf(in.w.Field(port.Field+".name"),
					"container %q already has a port named %q, so a Service targeting that name could reach either: rename the port in spec.exposePort and the sidecar",
					c.Name(), port.Name)
			}
		}
	}
	for _, p := range in.containers {
		for i, port := range p.container.Ports {
			protocol := string(port.Protocol)
			if protocol == "" {
				protocol = "TCP"
			}
			if other, clash := taken[strconv.Itoa(int(port.ContainerPort))+"/"+protocol]; clash {
				in.Errorf(in.w.Field(other+".containerPort"),
					"sidecar %q wants port %d/%s, which this container already declares; containers in a pod share one network namespace: change %s.ports[%d].containerPort in the config",
					p.name, port.ContainerPort, protocol, p.configPath, i)
			}
		}
	}
}

// checkVolumeMounts rejects sidecar mounts of volumes the resulting pod does not have.
func (in *injection) checkVolumeMounts() {
	volumes := in.w.VolumeNames()
	for _, p := range in.containers {
		for i, m := range p.container.VolumeMounts {
			if !volumes[m.Name] {
				in.ConfigErrorf(fmt.Sprintf("%s.volumeMounts[%d].name", p.configPath, i),
					"sidecar %q mounts volume %q, which the pod does not have: add it to spec.volumes of the config, or correct the name",
					p.name, m.Name)
			}
		}
	}
}

package injectsidecar

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// probeKinds are a container's probes, in the API's order.
var probeKinds = []string{"livenessProbe", "readinessProbe", "startupProbe"}

// checkAppProbes warns where a proxy now stands in front of an app whose network probes
// cannot reach it: the kubelet probes the pod's IP, so an app that listens on loopback
// only fails its httpGet and tcpSocket probes. Whether it does is read from its command
// and args (the image cannot be read), so the warning says it is a guess.
func (in *injection) checkAppProbes() {
	ours, proxied := map[string]bool{}, map[string]bool{}
	// The proposal names the proxy's port by number: a probe's named port is looked up
	// among its own container's ports only.
	exposed := intstr.Parse(in.cfg.Spec.ExposePort)
	for _, p := range in.containers {
		ours[p.name] = true
		for _, port := range p.container.Ports {
			proxied[strconv.Itoa(int(port.ContainerPort))], proxied[port.Name] = true, port.Name != ""
			if port.Name == in.cfg.Spec.ExposePort {
				exposed = intstr.FromInt32(port.ContainerPort)
			}
		}
	}
	for _, c := range in.w.Containers() {
		bind := loopbackBind(c.Node)
		if ours[c.Name()] || c.List != workload.AppContainers || bind == "" {
			continue
		}
		for _, kind := range probeKinds {
			probe := krm.Get(c.Node, kind)
			if probe == nil || (krm.Get(probe, "httpGet") == nil && krm.Get(probe, "tcpSocket") == nil) ||
				proxied[krm.ScalarAt(probe.YNode(), "httpGet", "port")] || proxied[krm.ScalarAt(probe.YNode(), "tcpSocket", "port")] {
				continue // not a network probe, or one through the proxy
			}
			krm.Propose(in.Warnf(in.w.Field(c.Field()+"."+kind),
				"container %q seems to listen on loopback only (%s in its command; a guess, as the image cannot be read), so the kubelet's %s to the pod IP cannot reach it behind the proxy: probe through the proxy on a path it serves without auth (proposed), or use an exec probe",
				c.Name(), bind, kind),
				map[string]any{"httpGet": map[string]any{"path": "/healthz", "port": exposed.IntValue()}})
		}
	}
}

// loopbackBind is the first word of the container's command or args that binds to a
// loopback address (a host flag's value, or host:port), or "".
func loopbackBind(container *yaml.RNode) string {
	for _, field := range []string{"command", "args"} {
		for _, word := range workload.Entries(container, field) {
			value := yaml.GetValue(word)
			_, after, isFlag := strings.Cut(value, "=")
			if !isFlag {
				after = value
			}
			host := after
			switch {
			case strings.HasPrefix(after, "["): // [::1]:8000
				host, _, _ = strings.Cut(after[1:], "]")
			case strings.Count(after, ":") == 1: // 127.0.0.1:8000
				host, _, _ = strings.Cut(after, ":")
			}
			if host == "localhost" || host == "::1" || strings.HasPrefix(host, "127.") {
				return fmt.Sprintf("%q", value)
			}
		}
	}
	return ""
}

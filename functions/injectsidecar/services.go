package injectsidecar

import (
	"fmt"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// retargetServices points the Services that select the workload's pods at the exposed
// sidecar port, wherever they target a port of another container: otherwise the Service
// would reach the app directly and the sidecar (an auth proxy, say) could be bypassed.
func (in *injection) retargetServices(items []*yaml.RNode) error {
	exposed := in.cfg.Spec.ExposePort
	byPort := portOwners(in.w)
	ours := map[string]bool{}
	for _, p := range in.containers {
		ours[p.name] = true
	}
	for _, svc := range items {
		if !selects(svc, in.w) {
			continue
		}
		ports, err := svc.Pipe(yaml.Lookup("spec", "ports"))
		if err != nil || ports == nil {
			continue
		}
		for i, n := range ports.Content() {
			port := yaml.NewRNode(n)
			target := targetPort(port)
			path := fmt.Sprintf("spec.ports[%d].targetPort", i)
			owner, declared := byPort[target]
			switch {
			case ours[owner]:
			case declared:
				if err := port.PipeE(yaml.SetField("targetPort", yaml.NewStringRNode(exposed))); err != nil {
					return err
				}
				in.results = append(in.results, krm.Result(framework.Info, svc, path,
					"retargeted from %s (container %q) to the sidecar port %q of %s",
					target, owner, exposed, krm.Describe(in.w.Item)))
			default:
				in.results = append(in.results, krm.Warning(svc, path,
					"targets %s, which no container of %s declares, so it was left as is: declare the port on its container, or set it to %q if the sidecar should receive this traffic",
					target, krm.Describe(in.w.Item), exposed))
			}
		}
	}
	return nil
}

// portOwners maps port numbers and names to the containers that declare them.
func portOwners(w workload.Workload) map[string]string {
	owners := map[string]string{}
	for _, c := range w.Containers() {
		for _, p := range c.Ports() {
			owners[p.Number] = c.Name()
			if p.Name != "" {
				owners[p.Name] = c.Name()
			}
		}
	}
	return owners
}

// targetPort is the port a Service port sends to; the API defaults it to the port itself.
func targetPort(port *yaml.RNode) string {
	if t := port.Field("targetPort"); t != nil && !yaml.IsMissingOrNull(t.Value) {
		return t.Value.YNode().Value
	}
	return yaml.GetValue(port.Field("port").Value)
}

// selects tells whether svc is a Service in the workload's namespace whose selector picks
// the workload's pods.
func selects(svc *yaml.RNode, w workload.Workload) bool {
	if svc.GetKind() != "Service" || svc.GetApiVersion() != "v1" || krm.Reserved(svc) ||
		svc.GetNamespace() != w.Item.GetNamespace() {
		return false
	}
	selector, err := svc.Pipe(yaml.Lookup("spec", "selector"))
	if err != nil || selector == nil {
		return false
	}
	want := map[string]string{}
	_ = selector.VisitFields(func(f *yaml.MapNode) error {
		want[f.Key.YNode().Value] = f.Value.YNode().Value
		return nil
	})
	if len(want) == 0 {
		return false
	}
	labels := w.Labels()
	for k, v := range want {
		if labels[k] != v {
			return false
		}
	}
	return true
}

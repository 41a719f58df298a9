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
func (in *injection) retargetServices(services serviceIndex) error {
	exposed := in.cfg.Spec.ExposePort
	byPort := portOwners(in.w)
	ours := map[string]bool{}
	for _, p := range in.containers {
		ours[p.name] = true
	}
	for _, svc := range services.selecting(in.w) {
		for i, port := range workload.Entries(svc, "spec", "ports") {
			target := targetPort(port)
			path := fmt.Sprintf("spec.ports[%d].targetPort", i)
			owner, declared := byPort[target]
			switch {
			case target == "": // no port to follow: the API rejects it, not ours to guess
			case ours[owner]:
			case declared:
				if err := port.PipeE(yaml.SetField("targetPort", yaml.NewStringRNode(exposed))); err != nil {
					return err
				}
				in.Results = append(in.Results, krm.Result(framework.Info, svc, path,
					"retargeted from %s (container %q) to the sidecar port %q of %s",
					target, owner, exposed, krm.Describe(in.w.Item)))
			default:
				in.Results = append(in.Results, krm.WarningResult(svc, path,
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
			if p.Number != "" { // a port without containerPort declares no number
				owners[p.Number] = c.Name()
			}
			if p.Name != "" {
				owners[p.Name] = c.Name()
			}
		}
	}
	return owners
}

// targetPort is the port a Service port sends to; the API defaults it to the port itself.
// A port without either gives "".
func targetPort(port *yaml.RNode) string {
	if t := krm.ScalarAt(port.YNode(), "targetPort"); t != "" {
		return t
	}
	return krm.ScalarAt(port.YNode(), "port")
}

// serviceIndex holds the Services of the list by namespace, each with its selector read
// once: every workload is checked against the Services of its namespace.
type serviceIndex map[string][]service

type service struct {
	item     *yaml.RNode
	selector map[string]string
}

// indexServices indexes services, the list's v1 Services.
func indexServices(services []*yaml.RNode) serviceIndex {
	index := serviceIndex{}
	for _, item := range services {
		if selector := selectorOf(item); len(selector) > 0 {
			ns := item.GetNamespace()
			index[ns] = append(index[ns], service{item: item, selector: selector})
		}
	}
	return index
}

func isService(item *yaml.RNode) bool {
	return item.GetKind() == "Service" && item.GetApiVersion() == "v1" && !krm.Reserved(item)
}

func selectorOf(svc *yaml.RNode) map[string]string {
	selector := krm.Get(svc, "spec", "selector")
	if selector == nil {
		return nil
	}
	want := map[string]string{}
	_ = selector.VisitFields(func(f *yaml.MapNode) error {
		want[f.Key.YNode().Value] = f.Value.YNode().Value
		return nil
	})
	return want
}

// selecting lists the Services in the workload's namespace whose selector picks its pods.
func (index serviceIndex) selecting(w workload.Workload) []*yaml.RNode {
	var found []*yaml.RNode
	candidates := index[w.Item.GetNamespace()]
	if len(candidates) == 0 {
		return nil
	}
	labels := w.Labels()
	for _, svc := range candidates {
		if workload.Subset(svc.selector, labels) {
			found = append(found, svc.item)
		}
	}
	return found
}

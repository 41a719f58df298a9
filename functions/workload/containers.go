package workload

import (
	"fmt"

	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Container lists of a pod spec.
const (
	InitContainers = "initContainers"
	AppContainers  = "containers"
)

// Container is one container of a pod template.
type Container struct {
	Node *yaml.RNode
	// List is InitContainers or AppContainers.
	List  string
	Index int
}

// Name is the container's name.
func (c Container) Name() string { return krm.ScalarAt(c.Node.YNode(), "name") }

// Field is the container's path relative to the pod template.
func (c Container) Field() string { return fmt.Sprintf("spec.%s[%d]", c.List, c.Index) }

// Port is a declared container port.
type Port struct {
	Name     string
	Number   string
	Protocol string
	// Field is the port's path relative to the pod template.
	Field string
}

// Ports lists the container's declared ports; the protocol defaults to TCP as in the API.
func (c Container) Ports() []Port {
	list := krm.Lookup(c.Node.YNode(), "ports")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var ports []Port
	for i, port := range list.Content {
		protocol := krm.ScalarAt(port, "protocol")
		if protocol == "" {
			protocol = "TCP"
		}
		ports = append(ports, Port{
			Name:     krm.ScalarAt(port, "name"),
			Number:   krm.ScalarAt(port, "containerPort"),
			Protocol: protocol,
			Field:    fmt.Sprintf("%s.ports[%d]", c.Field(), i),
		})
	}
	return ports
}

// Containers lists the pod's init containers, then its app containers, in spec order.
func (w Workload) Containers() []Container {
	var all []Container
	for _, list := range []string{InitContainers, AppContainers} {
		seq := krm.Lookup(w.Template.YNode(), "spec", list)
		if seq == nil || seq.Kind != yaml.SequenceNode {
			continue
		}
		for i, n := range seq.Content {
			if n.Kind == yaml.MappingNode {
				all = append(all, Container{Node: yaml.NewRNode(n), List: list, Index: i})
			}
		}
	}
	return all
}

// VolumeNames lists the names of the pod's volumes.
func (w Workload) VolumeNames() map[string]bool {
	names := map[string]bool{}
	seq := krm.Lookup(w.Template.YNode(), "spec", "volumes")
	if seq == nil {
		return names
	}
	for _, n := range seq.Content {
		names[krm.ScalarAt(n, "name")] = true
	}
	return names
}

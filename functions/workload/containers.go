package workload

import (
	"fmt"

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
func (c Container) Name() string { return yaml.GetValue(field(c.Node, "name")) }

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
	list := c.Node.Field("ports")
	if list == nil || list.Value.YNode().Kind != yaml.SequenceNode {
		return nil
	}
	var ports []Port
	for i, p := range list.Value.Content() {
		port := yaml.NewRNode(p)
		protocol := yaml.GetValue(field(port, "protocol"))
		if protocol == "" {
			protocol = "TCP"
		}
		ports = append(ports, Port{
			Name:     yaml.GetValue(field(port, "name")),
			Number:   yaml.GetValue(field(port, "containerPort")),
			Protocol: protocol,
			Field:    fmt.Sprintf("%s.ports[%d]", c.Field(), i),
		})
	}
	return ports
}

func field(n *yaml.RNode, name string) *yaml.RNode {
	if f := n.Field(name); f != nil {
		return f.Value
	}
	return nil
}

// Containers lists the pod's init containers, then its app containers, in spec order.
func (w Workload) Containers() []Container {
	var all []Container
	for _, list := range []string{InitContainers, AppContainers} {
		seq, err := w.Template.Pipe(yaml.Lookup("spec", list))
		if err != nil || seq == nil || seq.YNode().Kind != yaml.SequenceNode {
			continue
		}
		for i, n := range seq.Content() {
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
	seq, err := w.Template.Pipe(yaml.Lookup("spec", "volumes"))
	if err != nil || seq == nil {
		return names
	}
	for _, n := range seq.Content() {
		names[yaml.GetValue(field(yaml.NewRNode(n), "name"))] = true
	}
	return names
}

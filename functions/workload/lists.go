package workload

import "sigs.k8s.io/kustomize/kyaml/yaml"

// Entries lists the entries of the list at path under parent (nil when there is none).
func Entries(parent *yaml.RNode, path ...string) []*yaml.RNode {
	list, err := parent.Pipe(yaml.Lookup(path...))
	if err != nil || list == nil || list.YNode().Kind != yaml.SequenceNode {
		return nil
	}
	nodes := make([]*yaml.RNode, len(list.Content()))
	for i, n := range list.Content() {
		nodes[i] = yaml.NewRNode(n)
	}
	return nodes
}

// IndexNamed is the index of the entry called name in the list at path under parent
// (containers, volumes, mounts: the API names them), or -1.
func IndexNamed(parent *yaml.RNode, name string, path ...string) int {
	for i, n := range Entries(parent, path...) {
		if yaml.GetValue(field(n, "name")) == name {
			return i
		}
	}
	return -1
}

package krm

import "sigs.k8s.io/kustomize/kyaml/yaml"

// CopyNode copies a tree into one block of nodes and one of Content, as fastParse
// builds trees: kyaml's CopyYNode allocates every node and every Content on its own, and
// functions copy a pod template, or the parts they add, for every workload. Each
// Content is capped at its length, so appending to one copies it instead of writing
// into the next.
func CopyNode(n *yaml.Node) *yaml.Node {
	count := countNodes(n)
	c := copier{nodes: make([]yaml.Node, 0, count), contents: make([]*yaml.Node, 0, count)}
	return c.copy(n)
}

type copier struct {
	nodes    []yaml.Node
	contents []*yaml.Node
}

func (c *copier) copy(n *yaml.Node) *yaml.Node {
	c.nodes = append(c.nodes, *n)
	copied := &c.nodes[len(c.nodes)-1]
	if n.Content == nil {
		return copied
	}
	at, end := len(c.contents), len(c.contents)+len(n.Content)
	c.contents = c.contents[:end]
	copied.Content = c.contents[at:end:end]
	for i, child := range n.Content {
		copied.Content[i] = c.copy(child)
	}
	return copied
}

func countNodes(n *yaml.Node) int {
	count := 1
	for _, c := range n.Content {
		count += countNodes(c)
	}
	return count
}

package krm

import "sigs.k8s.io/kustomize/kyaml/yaml"

const localConfigAnnotation = "config.kubernetes.io/local-config"

// Reserved tells the items no function may change: kpt's Kptfile and local-config items
// (function configs, kustomizations) that kpt passes along with the package.
func Reserved(item *yaml.RNode) bool {
	n := item.YNode()
	return ScalarAt(n, "kind") == "Kptfile" || ScalarAt(n, "metadata", "annotations", localConfigAnnotation) == "true"
}

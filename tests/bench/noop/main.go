// Command noop is the baseline for benchmarks: a KRM function that changes nothing,
// written the usual way with kyaml's framework.
package main

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

func main() {
	p := framework.ResourceListProcessorFunc(func(*framework.ResourceList) error { return nil })
	if err := framework.Execute(p, nil); err != nil {
		os.Exit(1)
	}
}

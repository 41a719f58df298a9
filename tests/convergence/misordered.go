package convergence

import (
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// orderFix is what fnconfigs' ordering rules propose in each of their errors.
const orderFix = ": move this step after spec.steps["

// Misordered tells whether the composition breaks one of the ordering rules that a
// Pipeline refuses: a step that reads the workloads before a later one changes them.
// kpt cannot refuse such an order, and its renders then change once more.
func (c Composition) Misordered() (bool, error) {
	config, err := c.Pipeline()
	if err != nil {
		return false, err
	}
	node, err := yaml.Parse(string(config))
	if err != nil {
		return false, err
	}
	for _, e := range fnconfigs.Decode(node, fnconfigs.PipelineKind, &fnconfigs.Pipeline{}) {
		if strings.Contains(e.Error(), orderFix) {
			return true, nil
		}
	}
	return false, nil
}

package kanikojob

import (
	"github.com/unbake/unbake/functions/krm"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// withQuantityPaths reports malformed quantities in spec.resources with their field path
// before the config is decoded: decoding stops at the first one with resource.Quantity's
// own message, which names no field.
func withQuantityPaths(fn krm.Function) krm.Function {
	process := fn.Process
	fn.Process = func(rl *krm.ResourceList) error {
		if errs := quantityErrors(rl.FunctionConfig); len(errs) > 0 {
			rl.Results = append(rl.Results, krm.FieldErrors(rl.FunctionConfig, errs)...)
			return nil
		}
		return process(rl)
	}
	return fn
}

func quantityErrors(config *yaml.RNode) field.ErrorList {
	if config == nil || config.GetKind() != kind {
		return nil
	}
	var errs field.ErrorList
	for _, list := range []string{"requests", "limits"} {
		values := krm.Get(config, "spec", "resources", list)
		if values == nil || values.YNode().Kind != yaml.MappingNode {
			continue
		}
		_ = values.VisitFields(func(f *yaml.MapNode) error {
			value := f.Value.YNode()
			if value.Kind != yaml.ScalarNode || value.Tag == yaml.NodeTagNull {
				return nil
			}
			if _, err := resource.ParseQuantity(value.Value); err != nil {
				errs = append(errs, field.Invalid(field.NewPath("spec", "resources", list).Key(f.Key.YNode().Value), value.Value,
					"not a quantity: write e.g. 500m, 1.5, 2Gi"))
			}
			return nil
		})
	}
	return errs
}

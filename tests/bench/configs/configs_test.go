package configs

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The Pipeline's steps are the functions' own configs, so that `unbake run` does the
// same work as the six functions one by one.
func TestPipelineStepsAreTheFunctionConfigs(t *testing.T) {
	var pipeline struct {
		Spec struct{ Steps []map[string]any }
	}
	require.NoError(t, yaml.Unmarshal(Pipeline(), &pipeline))
	require.Len(t, pipeline.Spec.Steps, len(Functions))
	for i, fn := range Functions {
		require.Equal(t, decode(t, For(fn)), pipeline.Spec.Steps[i], "step %d is not %s.yaml", i, fn)
	}
}

// The Pipeline is one unbake run accepts: its steps in an order whose render converges.
func TestPipelineIsValid(t *testing.T) {
	node, err := yaml.Parse(string(Pipeline()))
	require.NoError(t, err)
	require.Empty(t, fnconfigs.Decode(node, fnconfigs.PipelineKind, &fnconfigs.Pipeline{}))
}

// An empty-list config differs from the function's config by allowNoMatch alone.
func TestEmptyListConfigsOnlyAllowNoMatch(t *testing.T) {
	for _, fn := range Functions {
		full, empty := decode(t, For(fn)), decode(t, ForEmptyList(fn))
		targets := empty["spec"].(map[string]any)
		if target, ok := targets["target"].(map[string]any); ok {
			targets = target
		}
		if _, ok := targets["allowNoMatch"]; ok {
			require.Equal(t, true, targets["allowNoMatch"], fn)
			delete(targets, "allowNoMatch")
		}
		require.Equal(t, full, empty, fn)
	}
}

func decode(t *testing.T, data []byte) map[string]any {
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(data, &m))
	return m
}

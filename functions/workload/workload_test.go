package workload

import (
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestOfFindsPodTemplatesByKindAndGroup(t *testing.T) {
	for _, tc := range []struct {
		manifest string
		path     string
		ok       bool
	}{
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {}\n", "", true},
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {}}}\n", "spec.template", true},
		{"apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: {spec: {}}}}}\n", "spec.jobTemplate.spec.template", true},
		{"apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: x}\nspec: {template: {spec: {}}}\n", "", false},
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: no-template}\nspec: {}\n", "", false},
		// A template whose labels are a list would crash readers of metadata: not a workload.
		{"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {metadata: {labels: [a]}, spec: {}}}\n", "", false},
		// So would a spec that is not a mapping, or containers that are not a list of mappings.
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n", "", false},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: {a: b}}\n", "", false},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {volumes: [x]}\n", "", false},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: x}]}\n", "", false},
		{"apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, volumeMounts: [{mountPath: /x}]}]}\n", "", false},
	} {
		w, ok := Of(yaml.MustParse(tc.manifest))
		require.Equal(t, tc.ok, ok, tc.manifest)
		if ok {
			require.Equal(t, tc.path, w.TemplatePath)
		}
	}
}

package setrunas

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"k8s.io/pod-security-admission/api"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestRestrictedOutputsPassPodSecurity feeds every workload that a profile: restricted
// golden case selects to the Pod Security Standards evaluator: the expected output must
// pass at level restricted, and the input must fail, so the check is known to see the pod.
func TestRestrictedOutputsPassPodSecurity(t *testing.T) {
	cases, err := filepath.Glob("testdata/*/expected.yaml")
	require.NoError(t, err)
	checked := 0
	for _, expected := range cases {
		dir := filepath.Dir(expected)
		cfg := readConfig(t, filepath.Join(dir, "config.yaml"))
		if cfg.Spec.Profile != fnconfigs.ProfileRestricted {
			continue
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			for _, w := range selected(t, filepath.Join(dir, "input.yaml"), cfg) {
				failed, err := violations(w.Template, api.LevelRestricted)
				require.NoError(t, err)
				require.NotEmpty(t, failed, "input %s already passes restricted: the case proves nothing", w.Item.GetName())
			}
			for _, w := range selected(t, expected, cfg) {
				failed, err := violations(w.Template, api.LevelRestricted)
				require.NoError(t, err)
				require.Empty(t, failed, "output %s fails restricted", w.Item.GetName())
				checked++
			}
		})
	}
	require.NotZero(t, checked, "no restricted golden output was checked")
}

func readConfig(t *testing.T, path string) *fnconfigs.SetRunAs {
	t.Helper()
	node, err := yaml.ReadFile(path)
	require.NoError(t, err)
	cfg := &fnconfigs.SetRunAs{}
	require.Empty(t, fnconfigs.Decode(node, "SetRunAs", cfg))
	return cfg
}

// selected are the workloads of a YAML stream that cfg's selector picks.
func selected(t *testing.T, path string, cfg *fnconfigs.SetRunAs) []workload.Workload {
	t.Helper()
	var picked []workload.Workload
	for _, item := range readItems(t, path) {
		if w, ok := workload.Of(item); ok && !krm.Reserved(item) && workload.Matches(cfg.Spec.Selector, item) {
			picked = append(picked, w)
		}
	}
	require.NotEmpty(t, picked, "%s has no selected workload", path)
	return picked
}

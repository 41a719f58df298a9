package fnconfigs_test

import (
	"strings"
	"testing"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestScriptsToConfigMapMode pins how mode is read: YAML's integer, where a leading 0 (or
// 0o) means octal, as kubectl reads defaultMode; kustomize hands the function the number
// already converted, kpt the text as written, and both end up here alike.
func TestScriptsToConfigMapMode(t *testing.T) {
	cases := []struct {
		mode   string
		want   int32
		errHas string
	}{
		{mode: "0755", want: 0o755},  // YAML 1.1 octal, as written in manifests
		{mode: "0o755", want: 0o755}, // YAML 1.2 octal
		{mode: "493", want: 0o755},   // decimal, as kustomize passes it on
		{mode: "0", want: 0},
		{mode: "755", errHas: "to mean octal 755, write 0755"},
		{mode: "01777", errHas: "must be between 0 and 0777"},
		{mode: "-1", errHas: "must be between 0 and 0777"},
		{mode: `"0755"`, errHas: "must be an integer"},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			node, err := yaml.Parse("apiVersion: fn.unbake.dev/v1alpha1\nkind: ScriptsToConfigMap\nmetadata: {name: s}\n" +
				"spec:\n  files:\n  - {key: run.sh, content: \"#!/bin/sh\\n\", mode: " + c.mode + "}\n")
			if err != nil {
				t.Fatal(err)
			}
			cfg := &fnconfigs.ScriptsToConfigMap{}
			errs := fnconfigs.Decode(node, "ScriptsToConfigMap", cfg)
			if c.errHas != "" {
				if !strings.Contains(errs.ToAggregate().Error(), c.errHas) {
					t.Errorf("errors %v, want one with %q", errs, c.errHas)
				}
				return
			}
			if len(errs) > 0 || *cfg.Spec.Files[0].Mode != c.want {
				t.Errorf("mode %v (errors %v), want %#o", *cfg.Spec.Files[0].Mode, errs, c.want)
			}
		})
	}
}

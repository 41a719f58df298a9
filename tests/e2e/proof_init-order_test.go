//go:build e2e

package e2e

import (
	"slices"
	"testing"

	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// Seed 001's ordering demonstration: add-init-chain's two steps, in the config's order,
// before the app, on the shared volume, each with what Pod Security restricted requires of
// a container and its own resources.
func init() {
	proofs["init-order"] = func(t *testing.T, objects []*kyaml.RNode) {
		pod := find(t, objects, "Pod", "init-order", "test-pod")
		spec, err := pod.Pipe(kyaml.Lookup("spec"))
		if err != nil || spec == nil {
			t.Fatalf("no pod spec: %v", err)
		}
		inits, err := spec.Pipe(kyaml.Lookup("initContainers"))
		if err != nil || inits == nil {
			t.Fatalf("no init containers: %v", err)
		}
		if names, _ := inits.ElementValues("name"); !slices.Equal(names, []string{"test-pod-init1", "test-pod-init2"}) {
			t.Errorf("init containers %v, want [test-pod-init1 test-pod-init2], in this order", names)
		}
		var restricted struct {
			AllowPrivilegeEscalation *bool `json:"allowPrivilegeEscalation"`
			Capabilities             struct {
				Drop []string `json:"drop"`
			} `json:"capabilities"`
			SeccompProfile struct {
				Type string `json:"type"`
			} `json:"seccompProfile"`
		}
		for _, step := range []string{"test-pod-init1", "test-pod-init2"} {
			sc, err := spec.Pipe(kyaml.Lookup("initContainers", "[name="+step+"]", "securityContext"))
			if err != nil || sc == nil {
				t.Fatalf("%s: no securityContext (%v)", step, err)
			}
			if err := yaml.Unmarshal([]byte(sc.MustString()), &restricted); err != nil {
				t.Fatal(err)
			}
			if restricted.AllowPrivilegeEscalation == nil || *restricted.AllowPrivilegeEscalation ||
				!slices.Equal(restricted.Capabilities.Drop, []string{"ALL"}) || restricted.SeccompProfile.Type != "RuntimeDefault" {
				t.Errorf("%s: securityContext %s, want what Pod Security restricted requires", step, sc.MustString())
			}
			if got := scalarAt(t, spec, "initContainers", "[name="+step+"]", "volumeMounts", "[name=order]", "mountPath"); got != "/order" {
				t.Errorf("%s mounts the volume order at %q, want /order", step, got)
			}
			if got := scalarAt(t, spec, "initContainers", "[name="+step+"]", "resources", "limits", "memory"); got != "16Mi" {
				t.Errorf("%s: memory limit %q, want the config's 16Mi", step, got)
			}
		}
		if got := scalarAt(t, spec, "containers", "[name=test-pod]", "volumeMounts", "[name=order]", "mountPath"); got != "/order" {
			t.Errorf("the app mounts the volume order at %q, want /order", got)
		}
	}
}

//go:build e2e

package e2e

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Placement follows the workloads: the GPU image in a DaemonSet of its own that selects
// and tolerates the GPU nodes, TensorBoard's image in the config's DaemonSet on every
// Linux node; both roll with a surge, never unavailable, in Argo CD's wave -1.
func init() {
	proofs["image-prepull-placement"] = func(t *testing.T, objects []*yaml.RNode) {
		plain := find(t, objects, "DaemonSet", "ml", "prepull")
		gpu := findGenerated(t, objects, "DaemonSet", "ml", "prepull-")
		for ds, want := range map[*yaml.RNode]string{plain: "tensorflow/tensorflow:2.18.0", gpu: "tensorflow/tensorflow:2.18.0-gpu"} {
			if got := scalarAt(t, ds, "spec", "template", "spec", "containers", "0", "image"); got != want {
				t.Errorf("DaemonSet %s pre-pulls %q, want %s", ds.GetName(), got, want)
			}
			for path, want := range map[string]string{
				"spec.updateStrategy.rollingUpdate.maxUnavailable": "0",
				"spec.updateStrategy.rollingUpdate.maxSurge":       "1",
				"spec.template.spec.priorityClassName":             "image-prepull",
			} {
				if got := scalarAt(t, ds, strings.Split(path, ".")...); got != want {
					t.Errorf("DaemonSet %s: %s is %q, want %q", ds.GetName(), path, got, want)
				}
			}
			if wave := ds.GetAnnotations()["argocd.argoproj.io/sync-wave"]; wave != "-1" {
				t.Errorf("DaemonSet %s: sync wave %q, want -1", ds.GetName(), wave)
			}
		}
		if got := scalarAt(t, gpu, "spec", "template", "spec", "nodeSelector", "nvidia.com/gpu.present"); got != "true" {
			t.Errorf("DaemonSet %s does not select the GPU nodes", gpu.GetName())
		}
		if got := scalarAt(t, gpu, "spec", "template", "spec", "tolerations", "0", "key"); got != "nvidia.com/gpu" {
			t.Errorf("DaemonSet %s does not tolerate the GPU taint", gpu.GetName())
		}
		if got := scalarAt(t, plain, "spec", "template", "spec", "tolerations"); got != "" {
			t.Errorf("DaemonSet prepull tolerates %q: TensorBoard's image does not belong on the GPU nodes", got)
		}
	}
}

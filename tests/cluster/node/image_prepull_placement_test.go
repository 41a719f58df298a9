package node

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/unbake/unbake/tests/cluster"
)

// Placement follows the images: on a node labelled and tainted as a GPU node, the
// DaemonSet of the GPU workload's image (its nodeSelector and toleration) runs and the
// node holds that image, while the config's own DaemonSet, whose images' workloads do not
// tolerate the taint, stays off the node.
func TestImagePrepullPlacement(t *testing.T) {
	const gpuImage = "tensorflow/tensorflow:2.18.0-gpu"
	if !testNode.Upstream() {
		// The stand-in: TensorBoard's stand-in under the GPU tag (only its pull matters).
		out, err := exec.Command(os.Getenv("CRANE"), "copy", testNode.MirrorRef("tensorflow/tensorflow:2.18.0"), testNode.MirrorRef(gpuImage)).CombinedOutput()
		if err != nil {
			t.Fatalf("crane copy: %v\n%s", err, out)
		}
	}
	kubectl(t, "label", "node", cluster.NodeName, "nvidia.com/gpu.present=true")
	kubectl(t, "taint", "node", cluster.NodeName, "nvidia.com/gpu=present:NoSchedule")
	t.Cleanup(func() {
		kubectl(t, "taint", "node", cluster.NodeName, "nvidia.com/gpu=present:NoSchedule-")
		kubectl(t, "label", "node", cluster.NodeName, "nvidia.com/gpu.present-")
		kubectl(t, "delete", "namespace", "ml", "--wait=false")
	})
	apply(t, "image-prepull-placement", "ml")

	var gpu string
	for _, name := range strings.Fields(kubectl(t, "get", "daemonsets", "-n", "ml", "-o", "jsonpath={.items[*].metadata.name}")) {
		kubectl(t, "rollout", "status", "-n", "ml", "daemonset/"+name, "--timeout", "120s")
		if name != "prepull" {
			gpu = name
		}
	}
	if gpu == "" {
		t.Fatal("no DaemonSet for the GPU workload's image")
	}
	for name, want := range map[string]string{gpu: "1", "prepull": "0"} {
		if got := kubectl(t, "get", "daemonset", "-n", "ml", name, "-o", "jsonpath={.status.desiredNumberScheduled}"); got != want {
			t.Errorf("DaemonSet ml/%s is scheduled on %s nodes of the tainted GPU node, want %s", name, got, want)
		}
	}
	if _, held := nodeImages(t)[cluster.Qualified(gpuImage)]; !held {
		t.Errorf("the GPU node does not hold %s after its DaemonSet rolled out", gpuImage)
	}
}

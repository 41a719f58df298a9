package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/unbake/unbake/tests/cluster"
)

// Seed 002: a DaemonSet keeps the pipeline's images on every node. Its pods are Ready
// when the node holds every image; the refresh CronJob restarts them, so a tag pushed
// again is pulled again; and its ServiceAccount may do that and nothing more.
func TestImagePrepull(t *testing.T) {
	apply(t, "image-prepull", "kube-system", "tensorboard-copy")
	kubectl(t, "rollout", "status", "-n", "kube-system", "daemonset/prepull", "--timeout", "120s")
	kubectl(t, "wait", "-n", "tensorboard-copy", "deployment/tensorboard", "--for", "condition=Available", "--timeout", "120s")

	images := strings.Fields(kubectl(t, "get", "daemonset", "-n", "kube-system", "prepull", "-o", "jsonpath={.spec.template.spec.containers[*].image}"))
	if len(images) < 2 {
		t.Fatalf("the DaemonSet pre-pulls %v, want the TensorBoard image and the nginx sidecar", images)
	}
	held := nodeImages(t)
	for _, image := range images {
		if _, ok := held[cluster.Qualified(image)]; !ok {
			t.Errorf("the node does not hold %s (it holds %v)", image, held)
		}
	}

	sa := "system:serviceaccount:kube-system:prepull-refresh"
	for _, c := range []struct {
		verb, resource string
		allowed        bool
	}{
		{"get", "daemonset/prepull", true},
		{"patch", "daemonset/prepull", true},
		{"delete", "daemonset/prepull", false},
		{"patch", "daemonset/kube-proxy", false},
		{"list", "secrets", false},
	} {
		out, _ := testNode.Kubectl(context.Background(), "auth", "can-i", c.verb, c.resource, "-n", "kube-system", "--as", sa)
		if got := strings.TrimSpace(out) == "yes"; got != c.allowed {
			t.Errorf("%s may %s %s: %v, want %v", sa, c.verb, c.resource, got, c.allowed)
		}
	}

	if testNode.Upstream() {
		reapplyChangesNothing(t, "image-prepull", "kube-system", "tensorboard-copy")
		t.Skip("pulling a tag pushed again needs the local registry")
	}
	const tag = "docker.io/tensorflow/tensorflow:2.18.0"
	pushed, err := testNode.MutateImage(tag, "--label", "pushed-again="+time.Now().Format(time.RFC3339Nano))
	if err != nil {
		t.Fatal(err)
	}
	before := strings.Fields(kubectl(t, "get", "pods", "-n", "kube-system", "-l", "app.kubernetes.io/name=prepull", "-o", "name"))
	kubectl(t, "create", "job", "-n", "kube-system", "--from", "cronjob/prepull-refresh", "refresh-now")
	kubectl(t, "wait", "-n", "kube-system", "job/refresh-now", "--for", "condition=Complete", "--timeout", "120s")
	kubectl(t, "rollout", "status", "-n", "kube-system", "daemonset/prepull", "--timeout", "120s")
	// The rollout surges (maxUnavailable 0): the old pod held the images until the new one
	// was available, and is deleted only then, so it may still be terminating here.
	kubectl(t, append([]string{"wait", "-n", "kube-system", "--for", "delete", "--timeout", "60s"}, before...)...)
	if got := nodeImages(t)[tag]; got != pushed {
		t.Errorf("after the refresh the node holds %s as %s, want the digest pushed again, %s", tag, got, pushed)
	}
	reapplyChangesNothing(t, "image-prepull", "kube-system", "tensorboard-copy")
}

func nodeImages(t *testing.T) map[string]string {
	t.Helper()
	images, err := testNode.NodeImages()
	if err != nil {
		t.Fatal(err)
	}
	return images
}

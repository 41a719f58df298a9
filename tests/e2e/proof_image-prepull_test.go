//go:build e2e

package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The DaemonSet holding one sleeping container per discovered image (the sidecar that
// inject-sidecar added included), and the refresh CronJob whose Role can touch only that
// DaemonSet: only gen-prepull-daemonset writes these.
func init() {
	proofs["image-prepull"] = func(t *testing.T, objects []*yaml.RNode) {
		// elements are the entries of the list at path in n.
		elements := func(n *yaml.RNode, path ...string) []*yaml.RNode {
			list, err := n.Pipe(yaml.Lookup(path...))
			if err != nil || list == nil {
				t.Fatalf("%s %s: no list at %v: %v", n.GetKind(), n.GetName(), path, err)
			}
			nodes, err := list.Elements()
			if err != nil {
				t.Fatal(err)
			}
			return nodes
		}
		ds := find(t, objects, "DaemonSet", "kube-system", "prepull")
		if by := ds.GetAnnotations()["fn.unbake.dev/generated-by"]; by != "PrepullDaemonSet.prepull" {
			t.Errorf("DaemonSet kube-system/prepull: generated-by %q, want PrepullDaemonSet.prepull", by)
		}
		var images []string
		for _, c := range elements(ds, "spec", "template", "spec", "containers") {
			images = append(images, scalarAt(t, c, "image"))
			if command := scalarAt(t, c, "command", "0"); command != "/prepull/sleep" {
				t.Errorf("DaemonSet container %s runs %q, want the copied /prepull/sleep", scalarAt(t, c, "name"), command)
			}
			if policy := scalarAt(t, c, "imagePullPolicy"); policy != "Always" {
				t.Errorf("DaemonSet container %s: imagePullPolicy %q, want Always for a tag", scalarAt(t, c, "name"), policy)
			}
		}
		for _, want := range []string{"tensorflow/tensorflow:2.18.0", "nginx:1.27.3-alpine"} {
			if !slices.Contains(images, want) {
				t.Errorf("DaemonSet kube-system/prepull pre-pulls %v, want %s among them", images, want)
			}
		}
		inits := elements(ds, "spec", "template", "spec", "initContainers")
		if len(inits) != 1 || scalarAt(t, inits[0], "name") != "copy-sleep" {
			t.Errorf("DaemonSet kube-system/prepull: want one init container copy-sleep copying the static sleep")
		}

		cronJob := find(t, objects, "CronJob", "kube-system", "prepull-refresh")
		if schedule := scalarAt(t, cronJob, "spec", "schedule"); schedule != "0 3 * * 0" {
			t.Errorf("CronJob kube-system/prepull-refresh: schedule %q, want the config's", schedule)
		}
		role := find(t, objects, "Role", "kube-system", "prepull-refresh")
		if names := scalarAt(t, role, "rules", "0", "resourceNames", "0"); names != "prepull" {
			t.Errorf("Role kube-system/prepull-refresh: resourceNames[0] %q, want only the DaemonSet prepull", names)
		}
	}
}

// TestImagePrepullLatestIsAnError: with latest: error, an untagged image in the package
// fails the render in both tools, with the function's message naming the workload and
// the container.
func TestImagePrepullLatestIsAnError(t *testing.T) {
	const want = `container "tensorboard": image "tensorflow/tensorflow" has no tag`
	dir := copyExample(t, filepath.Join(examplesRoot(t), "image-prepull"))
	manifest := filepath.Join(dir, "package", "tensorboard-deployment.yaml")
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	untagged := strings.Replace(string(data), "image: tensorflow/tensorflow:2.18.0", "image: tensorflow/tensorflow", 1)
	if untagged == string(data) {
		t.Fatalf("%s no longer has image tensorflow/tensorflow:2.18.0", manifest)
	}
	if err := os.WriteFile(manifest, []byte(untagged), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, render := range renderers(t, dir) {
		t.Run(name, func(t *testing.T) {
			stdout, stderr, err := render()
			if err == nil {
				t.Fatalf("succeeded with an untagged image and latest: error; output:\n%s", stdout)
			}
			if out := stdout + stderr; !strings.Contains(out, want) || (!strings.Contains(out, "Deployment/tensorboard-copy/tensorboard") && !strings.Contains(out, "Deployment tensorboard-copy/tensorboard")) {
				t.Errorf("failed (%v), but the output does not report %q for Deployment tensorboard-copy/tensorboard:\n%s", err, want, out)
			}
		})
	}
}

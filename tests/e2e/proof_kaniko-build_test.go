//go:build e2e

package e2e

import (
	"slices"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The build Job and the revision tag wired into the Deployment (only gen-kaniko-job writes
// these), and that tag pre-pulled by gen-prepull-daemonset.
func init() {
	const builtTag = "registry.example.com/demo/hello:5d41402abc4b" // the revision in the config, cut to 12
	proofs["kaniko-build"] = func(t *testing.T, objects []*yaml.RNode) {
		job := findGenerated(t, objects, "Job", "hello", "build-hello-")
		if by := job.GetAnnotations()["fn.unbake.dev/generated-by"]; by != "KanikoJob.build-hello" {
			t.Errorf("Job %s: generated-by %q, want KanikoJob.build-hello", job.GetName(), by)
		}
		flags := executorArgs(t, job)
		for _, want := range []string{"--destination=registry.example.com/demo/hello:1.0.0", "--destination=" + builtTag,
			"--digest-file=/dev/termination-log",
			"--label=org.opencontainers.image.revision=5d41402abc4b2a76b9719d911017c592ae7f3c21",
			"--label=org.opencontainers.image.source=https://github.com/example-org/hello-app.git"} {
			if !slices.Contains(flags, want) {
				t.Errorf("Job %s: args %v lack %s", job.GetName(), flags, want)
			}
		}
		config, err := job.Pipe(yaml.Lookup("spec", "template", "spec", "volumes", "[name=docker-config]", "secret", "secretName"))
		if err != nil || yaml.GetValue(config) != "regcred" {
			t.Errorf("Job %s: the registry Secret regcred is not mounted as the docker config: %v", job.GetName(), err)
		}
		image, err := find(t, objects, "Deployment", "hello", "hello").Pipe(
			yaml.Lookup("spec", "template", "spec", "containers", "[name=hello]", "image"))
		if err != nil || yaml.GetValue(image) != builtTag {
			t.Errorf("Deployment hello/hello: image %q, want the built %s: %v", yaml.GetValue(image), builtTag, err)
		}
		// Pull and push credentials apart: the app's pods hold no push rights.
		if pull := scalarAt(t, find(t, objects, "Deployment", "hello", "hello"), "spec", "template", "spec", "imagePullSecrets", "0", "name"); pull != "regcred-pull" {
			t.Errorf("Deployment hello/hello pulls with %q, want the read-only regcred-pull", pull)
		}
		prepull := find(t, objects, "DaemonSet", "hello", "prepull-hello")
		images, err := prepull.Pipe(yaml.Lookup("spec", "template", "spec", "containers"))
		if err != nil || images == nil {
			t.Fatalf("DaemonSet hello/prepull-hello has no containers: %v", err)
		}
		if pulled, _ := images.ElementValues("image"); !slices.Equal(pulled, []string{builtTag}) {
			t.Errorf("DaemonSet hello/prepull-hello pre-pulls %v, want only the built %s", pulled, builtTag)
		}
	}
}

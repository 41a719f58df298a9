//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// seeds/004 as written: the Job gen-kaniko-job generated reads the context from the
// claim kaniko-workspace at /workspace/my-build, retries three times, never restarts in
// place, and pushes with the Secret mounted as the executor's config.json.
func init() {
	proofs["kaniko-pvc-context"] = func(t *testing.T, objects []*yaml.RNode) {
		job := findGenerated(t, objects, "Job", "build", "build-image-")
		for path, want := range map[string]string{
			"spec.backoffLimit":                "3",
			"spec.template.spec.restartPolicy": "Never",
			"spec.template.spec.volumes.[name=workspace].persistentVolumeClaim.claimName":             "kaniko-workspace",
			"spec.template.spec.containers.[name=kaniko].volumeMounts.[name=workspace].mountPath":     "/workspace",
			"spec.template.spec.volumes.[name=docker-config].secret.secretName":                       "regcred",
			"spec.template.spec.containers.[name=kaniko].volumeMounts.[name=docker-config].mountPath": "/kaniko/.docker",
		} {
			if got := scalarAt(t, job, strings.Split(path, ".")...); got != want {
				t.Errorf("Job %s: %s is %q, want %q", job.GetName(), path, got, want)
			}
		}
		if by := job.GetAnnotations()["fn.unbake.dev/generated-by"]; by != "KanikoJob.build-image" {
			t.Errorf("Job %s: generated-by %q, want KanikoJob.build-image", job.GetName(), by)
		}
		flags := executorArgs(t, job)
		for _, want := range []string{"--context=dir:///workspace/my-build", "--dockerfile=/workspace/my-build/Dockerfile",
			"--destination=registry.example.com/demo/my-build:1.0.0", "--digest-file=/dev/termination-log"} {
			if !slices.Contains(flags, want) {
				t.Errorf("Job %s: args %v lack %s", job.GetName(), flags, want)
			}
		}
		find(t, objects, "PersistentVolumeClaim", "build", "kaniko-workspace")
	}
}

// executorArgs are the arguments of a generated kaniko Job's executor.
func executorArgs(t *testing.T, job *yaml.RNode) []string {
	t.Helper()
	args, err := job.Pipe(yaml.Lookup("spec", "template", "spec", "containers", "[name=kaniko]", "args"))
	if err != nil || args == nil {
		t.Fatalf("Job %s has no executor args: %v", job.GetName(), err)
	}
	var flags []string
	for _, arg := range args.Content() {
		flags = append(flags, arg.Value)
	}
	return flags
}

// findGenerated is the object of kind in namespace whose name is prefix and a hash, as
// generated names are.
func findGenerated(t *testing.T, objects []*yaml.RNode, kind, namespace, prefix string) *yaml.RNode {
	t.Helper()
	for _, o := range objects {
		if o.GetKind() == kind && o.GetNamespace() == namespace && strings.HasPrefix(o.GetName(), prefix) {
			return o
		}
	}
	t.Fatalf("no %s %s/%s<hash> in the rendering", kind, namespace, prefix)
	return nil
}

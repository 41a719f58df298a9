//go:build e2e

package e2e

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The nginx sidecar, its record, and the Service moved onto it: only inject-sidecar writes
// these. Its server block, from package/nginx/default.conf, in a generated ConfigMap
// mounted at the very path of the image's default server: only scripts-to-configmap. The
// pod's user and the hardening of both containers, recorded: only set-runas.
func init() {
	proofs["tensorboard-basic-auth"] = func(t *testing.T, objects []*yaml.RNode) {
		deployment := find(t, objects, "Deployment", "ml", "tensorboard")
		containers, err := deployment.Pipe(yaml.Lookup("spec", "template", "spec", "containers"))
		if err != nil || containers == nil {
			t.Fatalf("Deployment ml/tensorboard has no containers: %v", err)
		}
		if names, _ := containers.ElementValues("name"); !slices.Contains(names, "nginx") {
			t.Errorf("Deployment ml/tensorboard: containers %v, want the injected nginx sidecar", names)
		}
		annotation, err := deployment.Pipe(yaml.Lookup("spec", "template", "metadata", "annotations", "fn.unbake.dev/injected"))
		if err != nil || annotation == nil || !strings.Contains(yaml.GetValue(annotation), "basic-auth: container/nginx@") {
			t.Errorf("Deployment ml/tensorboard: pod template lacks the annotation fn.unbake.dev/injected recording the sidecar: %v", err)
		}
		cm := generatedConfigMap(t, objects, "ml", "ScriptsToConfigMap.nginx-conf")
		if !strings.Contains(scalarAt(t, cm, "data", "default.conf"), "auth_basic") {
			t.Errorf("ConfigMap ml/%s: data.default.conf is not the auth server block", cm.GetName())
		}
		mountedConfigMap(t, podSpecOf(t, deployment), "nginx", "/etc/nginx/conf.d/default.conf", "default.conf", cm.GetName())
		service := find(t, objects, "Service", "ml", "tensorboard")
		target, err := service.Pipe(yaml.Lookup("spec", "ports", "0", "targetPort"))
		if err != nil || yaml.GetValue(target) != "http" {
			t.Errorf("Service ml/tensorboard: targetPort %q, want it retargeted to the sidecar port http: %v", yaml.GetValue(target), err)
		}
		ranAsNonRoot(t, deployment)
	}
}

// ranAsNonRoot checks what set-runas.yaml (UID/GID 1000, profile restricted) writes, and
// that the resulting pod template passes Pod Security "restricted" in the library the API
// server's admission uses, while package/deployment.yaml as written does not.
func ranAsNonRoot(t *testing.T, deployment *yaml.RNode) {
	t.Helper()
	pod := podSpecOf(t, deployment)
	for _, want := range [][2]string{
		{"runAsUser", "1000"}, {"runAsGroup", "1000"}, {"runAsNonRoot", "true"}, {"fsGroup", "1000"},
	} {
		if got := scalarAt(t, pod, "securityContext", want[0]); got != want[1] {
			t.Errorf("Deployment ml/tensorboard: pod securityContext.%s %q, want %s", want[0], got, want[1])
		}
	}
	if got := scalarAt(t, pod, "securityContext", "seccompProfile", "type"); got != "RuntimeDefault" {
		t.Errorf("Deployment ml/tensorboard: pod securityContext.seccompProfile.type %q, want RuntimeDefault", got)
	}
	for _, name := range []string{"tensorboard", "nginx"} {
		context := []string{"containers", "[name=" + name + "]", "securityContext"}
		if got := scalarAt(t, pod, append(context, "allowPrivilegeEscalation")...); got != "false" {
			t.Errorf("container %s: allowPrivilegeEscalation %q, want false", name, got)
		}
		drop, err := pod.Pipe(yaml.Lookup(append(context, "capabilities", "drop")...))
		if err != nil || drop == nil || !slices.ContainsFunc(drop.Content(), func(n *yaml.Node) bool { return n.Value == "ALL" }) {
			t.Errorf("container %s: capabilities.drop lacks ALL (%v)", name, err)
		}
	}
	if record := scalarAt(t, deployment, "spec", "template", "metadata", "annotations", "fn.unbake.dev/set-runas"); !strings.HasPrefix(record, "non-root: ") {
		t.Errorf("Deployment ml/tensorboard: pod template annotation fn.unbake.dev/set-runas %q, want the record of config non-root", record)
	}

	if failed := restrictedViolations(t, deployment); len(failed) > 0 {
		t.Errorf("Deployment ml/tensorboard: the pod template violates PodSecurity \"restricted:latest\":\n%s", strings.Join(failed, "\n"))
	}
	written, err := yaml.ReadFile(filepath.Join(examplesRoot(t), "tensorboard-basic-auth", "package", "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(restrictedViolations(t, written)) == 0 {
		t.Errorf("package/deployment.yaml as written already passes restricted: the check proves nothing")
	}
}

// restrictedViolations evaluates a workload's pod template with the Pod Security Standards
// checks at level restricted, version latest, and describes each failed check the way the
// API server's admission does.
func restrictedViolations(t *testing.T, workload *yaml.RNode) []string {
	t.Helper()
	template, err := workload.Pipe(yaml.Lookup("spec", "template"))
	if err != nil || template == nil {
		t.Fatalf("%s %s has no pod template (%v)", workload.GetKind(), workload.GetName(), err)
	}
	data, err := template.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var pod struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     corev1.PodSpec    `json:"spec"`
	}
	if err := json.Unmarshal(data, &pod); err != nil {
		t.Fatalf("%s %s: the pod template does not decode as a pod: %v", workload.GetKind(), workload.GetName(), err)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	var failed []string
	level := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	for _, r := range evaluator.EvaluatePod(level, &pod.Metadata, &pod.Spec) {
		if !r.Allowed {
			failed = append(failed, r.ForbiddenReason+" ("+r.ForbiddenDetail+")")
		}
	}
	return failed
}

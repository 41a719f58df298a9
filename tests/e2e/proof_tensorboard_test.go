//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The nginx sidecar, its record, and the Service moved onto it: only inject-sidecar writes
// these. Its server block, from package/nginx/default.conf, in a generated ConfigMap
// mounted at the very path of the image's default server: only scripts-to-configmap.
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
		if err != nil || annotation == nil || !strings.Contains(yaml.GetValue(annotation), "container/nginx=basic-auth@") {
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
	}
}

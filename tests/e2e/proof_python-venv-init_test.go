//go:build e2e

package e2e

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The clone and venv steps as init containers on the shared emptyDir, the app's read-only
// mount of it, the record, and the bounded postStart hook that PUTs the Unit config: only
// add-init-chain writes these. The hook reads the file scripts-to-configmap mounted.
func init() {
	proofs["python-venv-init"] = func(t *testing.T, objects []*yaml.RNode) {
		deployment := find(t, objects, "Deployment", "python-venv", "nginx-unit")
		pod := podSpecOf(t, deployment)
		if got := scalarAt(t, deployment, "spec", "template", "metadata", "annotations", "fn.unbake.dev/init-chain"); !strings.HasPrefix(got, "testapp@") {
			t.Errorf("pod template: annotation fn.unbake.dev/init-chain %q, want the record of InitChain testapp", got)
		}
		inits, err := pod.Pipe(yaml.Lookup("initContainers"))
		if err != nil || inits == nil {
			t.Fatalf("no init containers: %v", err)
		}
		if names, _ := inits.ElementValues("name"); !slices.Equal(names, []string{"testapp-clone", "testapp-venv"}) {
			t.Errorf("init containers %v, want [testapp-clone testapp-venv], in this order", names)
		}
		for _, step := range []string{"testapp-clone", "testapp-venv"} {
			if got := scalarAt(t, pod, "initContainers", "[name="+step+"]", "volumeMounts", "[name=workspace]", "mountPath"); got != "/workspace" {
				t.Errorf("init container %s mounts the workspace at %q, want /workspace", step, got)
			}
		}
		// User values reach the fixed scripts as arguments, never as shell text.
		wantArgs := map[string][]string{
			"testapp-clone": {"https://github.com/easydoggie/testapp.git", "f54a5f0e6088d865f3c40b7f89a0dba1638abbb4", "/workspace"},
			"testapp-venv":  {"/workspace/python/venv", "", "redis==5.2.1"},
		}
		for step, want := range wantArgs {
			if got := strings.Join(stringsAt(t, pod, "initContainers", "[name="+step+"]", "args"), " "); got != strings.Join(want, " ") {
				t.Errorf("init container %s: args %q, want %q", step, got, want)
			}
		}
		if _, err := pod.Pipe(yaml.Lookup("volumes", "[name=workspace]", "emptyDir")); err != nil {
			t.Errorf("no emptyDir volume workspace: %v", err)
		}
		mount := "volumeMounts"
		if got := scalarAt(t, pod, "containers", "[name=nginx-unit]", mount, "[mountPath=/app/python]", "subPath"); got != "python" {
			t.Errorf("container nginx-unit: the mount at /app/python has subPath %q, want python", got)
		}
		if got := scalarAt(t, pod, "containers", "[name=nginx-unit]", mount, "[mountPath=/app/python]", "readOnly"); got != "true" {
			t.Errorf("container nginx-unit: the mount at /app/python is not read-only")
		}

		hook := stringsAt(t, pod, "containers", "[name=nginx-unit]", "lifecycle", "postStart", "exec", "command")
		if len(hook) < 7 || hook[3] != "unbake-post-start" || hook[4] != "/var/run/control.unit.sock" || hook[5] != "60" || hook[6] != "curl" {
			t.Fatalf("postStart hook %q: want the bounded wait for the control socket (60s), then curl", hook)
		}
		cm := generatedConfigMap(t, objects, "python-venv", "ScriptsToConfigMap.unit-conf")
		mountedConfigMap(t, pod, "nginx-unit", "/etc/unit/unit.conf.json", "unit.conf.json", cm.GetName())
		if !slices.Contains(hook, "@/etc/unit/unit.conf.json") {
			t.Errorf("postStart hook %q does not PUT /etc/unit/unit.conf.json, the file scripts-to-configmap mounts", hook)
		}
		// A venv only works with the Python version that made it.
		unit := regexp.MustCompile(`-python(3\.\d+)$`).FindStringSubmatch(scalarAt(t, pod, "containers", "[name=nginx-unit]", "image"))
		venv := regexp.MustCompile(`^python:(3\.\d+)[.-]`).FindStringSubmatch(scalarAt(t, pod, "initContainers", "[name=testapp-venv]", "image"))
		if unit == nil || venv == nil || unit[1] != venv[1] {
			t.Errorf("the Unit image's Python (%v) and the venv step's (%v) differ", unit, venv)
		}
	}
}

// stringsAt is the list of strings at path under node.
func stringsAt(t *testing.T, node *yaml.RNode, path ...string) []string {
	t.Helper()
	list, err := node.Pipe(yaml.Lookup(path...))
	if err != nil || list == nil {
		t.Fatalf("%s: no list (%v)", strings.Join(path, "."), err)
	}
	var values []string
	for _, n := range list.Content() {
		values = append(values, n.Value)
	}
	return values
}

//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The clone and venv steps as init containers on the shared emptyDir, the app's read-only
// mount of it, the record, and the bounded postStart hook that waits for Gunicorn's pid
// file: only add-init-chain writes these. Gunicorn's settings are the file
// scripts-to-configmap mounted.
func init() {
	proofs["python-venv-init"] = func(t *testing.T, objects []*yaml.RNode) {
		deployment := find(t, objects, "Deployment", "python-venv", "testapp")
		pod := podSpecOf(t, deployment)
		if got := scalarAt(t, deployment, "spec", "template", "metadata", "annotations", "fn.unbake.dev/init-chain"); !strings.HasPrefix(got, "testapp: chain@") {
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
			"testapp-clone": {"https://github.com/easydoggie/testapp.git", "2e0fd0617187b01765b3056ea56a123d15ab8452", "/workspace", "1", "false"},
			"testapp-venv":  {"/workspace/python/venv", "", "", "Flask==3.1.3", "gunicorn==23.0.0"},
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
		if got := scalarAt(t, pod, "containers", "[name=app]", mount, "[mountPath=/app/python]", "subPath"); got != "python" {
			t.Errorf("container app: the mount at /app/python has subPath %q, want python", got)
		}
		if got := scalarAt(t, pod, "containers", "[name=app]", mount, "[mountPath=/app/python]", "readOnly"); got != "true" {
			t.Errorf("container app: the mount at /app/python is not read-only")
		}

		hook := stringsAt(t, pod, "containers", "[name=app]", "lifecycle", "postStart", "exec", "command")
		if len(hook) < 7 || hook[3] != "unbake-post-start" || hook[4] != "/tmp/gunicorn.pid" || hook[5] != "60" || hook[6] != "/app/python/venv/bin/python3" {
			t.Fatalf("postStart hook %q: want the bounded wait for Gunicorn's pid file (60s), then the venv's python", hook)
		}
		cm := generatedConfigMap(t, objects, "python-venv", "ScriptsToConfigMap.gunicorn-conf")
		mountedConfigMap(t, pod, "app", "/etc/gunicorn/gunicorn.conf.py", "gunicorn.conf.py", cm.GetName())
		if command := stringsAt(t, pod, "containers", "[name=app]", "command"); !slices.Contains(command, "/etc/gunicorn/gunicorn.conf.py") {
			t.Errorf("container app: command %q does not read /etc/gunicorn/gunicorn.conf.py, the file scripts-to-configmap mounts", command)
		}
		// A venv only works with the Python that made it.
		app := scalarAt(t, pod, "containers", "[name=app]", "image")
		if venv := scalarAt(t, pod, "initContainers", "[name=testapp-venv]", "image"); app != venv {
			t.Errorf("the app runs %s, the venv was made in %s: a venv needs the Python that made it", app, venv)
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

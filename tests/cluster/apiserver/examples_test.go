package apiserver

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// TestExamplesAreAccepted applies every example's rendered output (expected.yaml, which
// the e2e tests prove equal to the kustomize and kpt renderings), and the rendered output
// of every package `unbake convert` writes in its golden cases (convert/testdata/*/
// rendered.yaml, proven equal to them the same way): first as a server-side dry run, then
// for real, twice, then checks that applying again would change nothing.
func TestExamplesAreAccepted(t *testing.T) {
	files, err := filepath.Glob("../../../examples/*/expected.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples/*/expected.yaml found (%v)", err)
	}
	converted, err := filepath.Glob("../../../convert/testdata/*/rendered.yaml")
	if err != nil || len(converted) == 0 {
		t.Fatalf("no convert/testdata/*/rendered.yaml found (%v)", err)
	}
	for _, file := range append(files, converted...) {
		name := filepath.Base(filepath.Dir(file))
		if strings.Contains(filepath.ToSlash(file), "/convert/testdata/") {
			name = "convert-" + name
		}
		t.Run(name, func(t *testing.T) {
			prepareNamespaces(t, file)
			if out, err := testEnv.kubectl(t, "--warnings-as-errors", "apply", "--server-side", "--dry-run=server", "-f", file); err != nil {
				t.Fatalf("server-side dry run rejected %s: %v\n%s", file, err, out)
			}
			for _, round := range []string{"apply", "re-apply"} {
				if out, err := testEnv.kubectl(t, "--warnings-as-errors", "apply", "--server-side", "-f", file); err != nil {
					t.Fatalf("%s rejected %s: %v\n%s", round, file, err, out)
				}
			}
			if out, err := testEnv.kubectl(t, "diff", "--server-side", "-f", file); err != nil {
				t.Fatalf("applying %s again would change it (kubectl diff: %v):\n%s", file, err, out)
			}
		})
	}
}

// TestServerRejectsAnInvalidManifest shows the harness can fail: a volumeMount naming
// a volume the pod does not have.
func TestServerRejectsAnInvalidManifest(t *testing.T) {
	file := filepath.Join(t.TempDir(), "invalid.yaml")
	writeFile(t, file, `apiVersion: apps/v1
kind: Deployment
metadata: {name: invalid, namespace: default}
spec:
  selector: {matchLabels: {app: invalid}}
  template:
    metadata: {labels: {app: invalid}}
    spec:
      containers:
      - name: app
        image: busybox:1.37.0
        volumeMounts: [{name: missing, mountPath: /data}]
`)
	out, err := testEnv.kubectl(t, "apply", "--server-side", "--dry-run=server", "-f", file)
	if err == nil {
		t.Fatalf("the API server accepted a mount of a missing volume:\n%s", out)
	}
	if !strings.Contains(out, "volumeMounts[0].name: Not found") {
		t.Fatalf("rejected, but not for the missing volume:\n%s", out)
	}
}

// prepareNamespaces applies the file's Namespace objects first, so that their labels
// (pod-security.kubernetes.io/enforce: an example that claims restricted says so there)
// are in force when the dry run checks the workloads; it creates the other namespaces
// the file uses, and a default ServiceAccount in each (no controller manager runs).
func prepareNamespaces(t *testing.T, file string) {
	t.Helper()
	var defined []string
	used := map[string]bool{}
	for _, doc := range documents(t, file) {
		m := meta(t, doc)
		if m.Kind == "Namespace" {
			defined = append(defined, doc)
			used[m.Metadata.Name] = true
		} else if m.Metadata.Namespace != "" {
			used[m.Metadata.Namespace] = true
		}
	}
	if len(defined) > 0 {
		nsFile := filepath.Join(t.TempDir(), "namespaces.yaml")
		writeFile(t, nsFile, strings.Join(defined, "\n---\n"))
		if out, err := testEnv.kubectl(t, "apply", "--server-side", "-f", nsFile); err != nil {
			t.Fatalf("applying the namespaces of %s: %v\n%s", file, err, out)
		}
	}
	names := make([]string, 0, len(used))
	for ns := range used {
		names = append(names, ns)
	}
	sort.Strings(names)
	for _, ns := range names {
		for _, args := range [][]string{{"create", "namespace", ns}, {"create", "serviceaccount", "default", "-n", ns}} {
			if out, err := testEnv.kubectl(t, args...); err != nil && !strings.Contains(out, "already exists") && !strings.Contains(out, "AlreadyExists") {
				t.Fatalf("kubectl %v: %v\n%s", args, err, out)
			}
		}
	}
}

type objectMeta struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
}

func meta(t *testing.T, doc string) objectMeta {
	t.Helper()
	var m objectMeta
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func documents(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, doc := range strings.Split(string(data), "\n---\n") {
		if strings.TrimSpace(stripComments(doc)) != "" {
			docs = append(docs, doc)
		}
	}
	return docs
}

func stripComments(doc string) string {
	var lines []string
	for _, l := range strings.Split(doc, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Copied from tests/e2e/normalize_test.go (another module): compare renderings as the e2e
// tests do.

package argocd

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Annotations kpt and kustomize add to track where an object came from.
var bookkeeping = []string{"config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id"}

const internalAnnotations = "internal.config.kubernetes.io/"

const localConfig = "config.kubernetes.io/local-config"

// parse reads a YAML stream: documents separated by ---, or a ResourceList.
func parse(t *testing.T, stream string) []*yaml.RNode {
	t.Helper()
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("parsing the rendered objects: %v\n%s", err, stream)
	}
	return nodes
}

// normalize keeps the rendered objects only (no Kptfile, no local-config items such as
// function configs and kustomizations), drops the tools' bookkeeping annotations and orders
// the objects by apiVersion, kind, namespace and name. The input is left as is.
func normalize(t *testing.T, nodes []*yaml.RNode) []*yaml.RNode {
	t.Helper()
	var objects []*yaml.RNode
	for _, n := range nodes {
		if n.GetKind() == "Kptfile" || n.GetAnnotations(localConfig)[localConfig] == "true" {
			continue
		}
		n = n.Copy()
		for key := range n.GetAnnotations() {
			if strings.HasPrefix(key, internalAnnotations) || slices.Contains(bookkeeping, key) {
				if err := n.PipeE(yaml.ClearAnnotation(key)); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := yaml.ClearEmptyAnnotations(n); err != nil {
			t.Fatal(err)
		}
		objects = append(objects, n)
	}
	sort.SliceStable(objects, func(i, j int) bool { return sortKey(objects[i]) < sortKey(objects[j]) })
	return objects
}

func sortKey(n *yaml.RNode) string {
	return strings.Join([]string{n.GetApiVersion(), n.GetKind(), n.GetNamespace(), n.GetName()}, "\x00")
}

// emit writes objects as YAML documents separated by ---, in one canonical style (sorted
// keys, block style, no comments): kpt keeps the files' formatting, kustomize reformats.
func emit(t *testing.T, objects []*yaml.RNode) string {
	t.Helper()
	docs := make([]string, 0, len(objects))
	for _, n := range objects {
		m, err := n.Map()
		if err != nil {
			t.Fatalf("%s %s/%s: %v", n.GetKind(), n.GetNamespace(), n.GetName(), err)
		}
		out, err := yaml.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, string(out))
	}
	return strings.Join(docs, "---\n")
}

// canonical is parse, normalize and emit in one.
func canonical(t *testing.T, stream string) string {
	t.Helper()
	return emit(t, normalize(t, parse(t, stream)))
}

// firstDiff shows where two canonical renderings start to differ, with some context.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	var b strings.Builder
	fmt.Fprintf(&b, "first difference at line %d:\n", i+1)
	for k := max(0, i-5); k < i; k++ {
		fmt.Fprintf(&b, "   %s\n", w[k])
	}
	for k := i; k < min(len(w), i+5); k++ {
		fmt.Fprintf(&b, " - %s\n", w[k])
	}
	for k := i; k < min(len(g), i+5); k++ {
		fmt.Fprintf(&b, " + %s\n", g[k])
	}
	return b.String()
}

package schema

import (
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type refKind struct {
	metav1.TypeMeta `json:",inline"`
	Spec            refSpec `json:"spec"`
}

type refSpec struct {
	Mode       string                       `json:"mode,omitempty"`
	Files      []refFile                    `json:"files"`
	Byname     map[string]refFile           `json:"byName,omitempty"`
	Container  corev1.Container             `json:"container,omitzero"`
	Limits     map[string]resource.Quantity `json:"limits,omitempty"`
	Kinds      []string                     `json:"kinds,omitempty"`
	Undocument string                       `json:"undocumented,omitempty"`
}

type refFile struct {
	Path string `json:"path"`
}

func buildRef(t *testing.T, docs map[string]string) (*Schema, error) {
	t.Helper()
	schemas, err := Build(Options{APIVersion: "test.dev/v1", Docs: docs, Enums: map[string][]string{
		"refSpec.Mode":  {"", "fast"},
		"refSpec.Kinds": {"Pod", "Job"},
	}}, Kind{Name: "RefKind", Type: reflect.TypeFor[refKind]()})
	if err != nil {
		return nil, err
	}
	return schemas["RefKind"], nil
}

var refDocs = map[string]string{
	"refKind":           "A kind.",
	"refKind.Spec":      "Spec is the spec.",
	"refSpec.Mode":      "Mode is how.\n\nA second paragraph.",
	"refSpec.Files":     "Files are files.",
	"refSpec.Byname":    "Byname maps names to files.",
	"refSpec.Container": "Container is a core/v1 Container.",
	"refSpec.Limits":    "Limits are quantities.",
	"refSpec.Kinds":     "Kinds are kinds.",
	"refFile.Path":      "Path is `<dir>/<name>`.",
}

func TestFields(t *testing.T) {
	s, err := buildRef(t, refDocs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Fields(s)
	if err != nil {
		t.Fatal(err)
	}
	// Go field order, apiVersion first; the fields of Kubernetes' types and fields
	// without docs are left out; a paragraph break stays inside its list item.
	want := "- `apiVersion` (string, one of `test.dev/v1`, required): Always test.dev/v1.\n" +
		"- `kind` (string, one of `RefKind`, required): Always RefKind.\n" +
		"- `spec` (object, required): Spec is the spec.\n" +
		"- `spec.mode` (string, one of `\"\"`, `fast`): Mode is how.\n\n  A second paragraph.\n" +
		"- `spec.files` ([]object, required): Files are files.\n" +
		"- `spec.files[].path` (string, required): Path is `<dir>/<name>`.\n" +
		"- `spec.byName` (map[string]object): Byname maps names to files.\n" +
		"- `spec.byName.<key>.path` (string, required): Path is `<dir>/<name>`.\n" +
		"- `spec.container` (core/v1 Container): Container is a core/v1 Container.\n" +
		"- `spec.limits` (map[string]quantity): Limits are quantities.\n" +
		"- `spec.kinds` ([]string, each one of `Pod`, `Job`): Kinds are kinds.\n"
	if got != want {
		t.Errorf("Fields:\n%s\nwant:\n%s", got, want)
	}
}

func TestFieldsRejectMarkup(t *testing.T) {
	for _, doc := range []string{"Path is <dir>/name.", "Names allow '*' globs.", "ports[*].name"} {
		docs := map[string]string{}
		for k, v := range refDocs {
			docs[k] = v
		}
		docs["refFile.Path"] = doc
		s, err := buildRef(t, docs)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Fields(s); err == nil || !strings.Contains(err.Error(), "spec.files[].path") {
			t.Errorf("%q: error %v, want one naming spec.files[].path", doc, err)
		}
	}
}

func TestFillReadme(t *testing.T) {
	refs := map[string]string{"RefKind": "- `spec` (object): new.\n"}
	readme := "# fn\n\nprose\n\n" + BeginMarker("RefKind") + "\n- `spec` (object): old.\n" + EndMarker + "\n\nmore prose\n"
	got, kinds, err := FillReadme(readme, refs)
	if err != nil {
		t.Fatal(err)
	}
	want := "# fn\n\nprose\n\n" + BeginMarker("RefKind") + "\n\n- `spec` (object): new.\n\n" + EndMarker + "\n\nmore prose\n"
	if got != want || !reflect.DeepEqual(kinds, []string{"RefKind"}) {
		t.Errorf("FillReadme = %q, %v\nwant %q", got, kinds, want)
	}
	again, _, err := FillReadme(got, refs)
	if err != nil || again != got {
		t.Errorf("a second fill changed the text: %q, %v", again, err)
	}
	if out, kinds, err := FillReadme("# no markers\n", refs); err != nil || out != "# no markers\n" || kinds != nil {
		t.Errorf("without markers: %q, %v, %v", out, kinds, err)
	}
	for name, text := range map[string]string{
		"unknown kind": BeginMarker("Other") + "\n" + EndMarker + "\n",
		"no end":       BeginMarker("RefKind") + "\nold\n",
	} {
		if _, _, err := FillReadme(text, refs); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

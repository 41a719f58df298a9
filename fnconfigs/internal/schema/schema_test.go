package schema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

type testMeta struct {
	Name string `json:"name"`
}

type Base struct {
	Shared string `json:"shared,omitempty"`
}

type testSpec struct {
	*Base    `json:",inline"`
	Bytes    []byte                       `json:"bytes,omitempty"`
	Counts   map[string]int32             `json:"counts,omitempty"`
	Big      int64                        `json:"big"`
	Ratio    float64                      `json:"ratio,omitempty"`
	Small    uint8                        `json:"small,omitempty"`
	Port     intstr.IntOrString           `json:"port,omitempty"`
	CPU      *resource.Quantity           `json:"cpu,omitempty"`
	When     metav1.Time                  `json:"when,omitzero"`
	Every    metav1.Duration              `json:"every,omitempty"`
	Mode     string                       `json:"mode,omitempty"`
	Tags     []string                     `json:"tags"`
	Nested   map[string][]metav1.TypeMeta `json:"nested,omitempty"`
	Skipped  string                       `json:"-"`
	Untagged bool
	hidden   string //nolint:unused // must not show
}

type testKind struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        testMeta `json:"metadata"`
	Spec            testSpec `json:"spec"`
}

func generate(t *testing.T, opts Options, v any) (map[string]any, error) {
	t.Helper()
	if opts.APIVersion == "" {
		opts.APIVersion = "test.dev/v1"
	}
	if opts.Docs == nil {
		opts.Docs = map[string]string{"testKind": "A test kind."}
	}
	files, err := Generate(opts, Kind{Name: "TestKind", Type: reflect.TypeOf(v)})
	if err != nil {
		return nil, err
	}
	data := files["testkind.json"]
	if data == nil {
		t.Fatalf("no testkind.json in %v", files)
	}
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out, nil
}

func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for _, p := range path {
		obj, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("no object at %s", p)
		}
		cur = obj[p]
	}
	return cur
}

func js(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestGenerateTypes(t *testing.T) {
	s, err := generate(t, Options{
		Docs: map[string]string{
			"testKind":      "A test kind.",
			"testSpec":      "The spec.",
			"testSpec.Mode": "Mode picks one.",
			"testMeta.Name": "Name <of> it & more.",
		},
		Enums: map[string][]string{"testSpec.Mode": {"a", "b"}, "testSpec.Tags": {"x"}},
	}, &testKind{})
	if err != nil {
		t.Fatal(err)
	}
	spec := func(p ...string) string { return js(get(t, s, append([]string{"properties", "spec"}, p...)...)) }
	checks := map[string][2]string{
		"title":           {js(s["title"]), `"TestKind"`},
		"description":     {js(s["description"]), `"A test kind."`},
		"required":        {js(s["required"]), `["apiVersion","kind","metadata","spec"]`},
		"apiVersion":      {js(get(t, s, "properties", "apiVersion", "enum")), `["test.dev/v1"]`},
		"kind":            {js(get(t, s, "properties", "kind", "enum")), `["TestKind"]`},
		"top closed":      {js(s["additionalProperties"]), `false`},
		"metadata":        {js(get(t, s, "properties", "metadata", "required")), `["name"]`},
		"field doc":       {js(get(t, s, "properties", "metadata", "properties", "name", "description")), `"Name \u003cof\u003e it \u0026 more."`},
		"type doc":        {spec("description"), `"The spec."`},
		"spec required":   {spec("required"), `["big","tags","Untagged"]`},
		"inline pointer":  {spec("properties", "shared"), `{"type":"string"}`},
		"bytes":           {spec("properties", "bytes"), `{"format":"byte","type":"string"}`},
		"map":             {spec("properties", "counts"), `{"additionalProperties":{"format":"int32","type":"integer"},"type":"object"}`},
		"int64":           {spec("properties", "big"), `{"format":"int64","type":"integer"}`},
		"float64":         {spec("properties", "ratio"), `{"format":"double","type":"number"}`},
		"uint8":           {spec("properties", "small"), `{"minimum":0,"type":"integer"}`},
		"int-or-string":   {spec("properties", "port"), `{"anyOf":[{"type":"integer"},{"type":"string"}],"x-kubernetes-int-or-string":true}`},
		"quantity":        {js(get(t, s, "properties", "spec", "properties", "cpu", "anyOf")), `[{"type":"number"},{"type":"string"}]`},
		"time":            {spec("properties", "when"), `{"format":"date-time","type":"string"}`},
		"duration":        {spec("properties", "every"), `{"type":"string"}`},
		"enum":            {spec("properties", "mode"), `{"description":"Mode picks one.","enum":["a","b"],"type":"string"}`},
		"enum on items":   {spec("properties", "tags"), `{"items":{"enum":["x"],"type":"string"},"type":"array"}`},
		"untagged":        {spec("properties", "Untagged"), `{"type":"boolean"}`},
		"nested closed":   {js(get(t, s, "properties", "spec", "properties", "nested", "additionalProperties", "items", "additionalProperties")), `false`},
		"skipped, hidden": {js(get(t, s, "properties", "spec", "properties", "Skipped")) + js(get(t, s, "properties", "spec", "properties", "hidden")), `nullnull`},
	}
	for what, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s: got %s, want %s", what, c[0], c[1])
		}
	}
}

func TestGenerateIsStable(t *testing.T) {
	opts := Options{APIVersion: "test.dev/v1", Docs: map[string]string{"testKind": "A test kind. <b>"}}
	kind := Kind{Name: "TestKind", Type: reflect.TypeFor[testKind]()}
	a, err := Generate(opts, kind)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(opts, kind)
	if err != nil {
		t.Fatal(err)
	}
	data := a["testkind.json"]
	if !bytes.Equal(data, b["testkind.json"]) {
		t.Error("two runs differ")
	}
	if !bytes.HasSuffix(data, []byte("}\n")) || !bytes.HasPrefix(data, []byte("{\n  \"title\": \"TestKind\",\n")) {
		t.Errorf("not 2-space indented with a trailing newline:\n%.80s", data)
	}
	if !bytes.Contains(data, []byte("<b>")) {
		t.Error("< and > are escaped")
	}
}

type recursive struct {
	metav1.TypeMeta `json:",inline"`
	Children        []recursive `json:"children"`
}

type notEmbedded struct {
	metav1.TypeMeta `json:",inline"`
	Meta            testMeta `json:",inline"`
}

type duplicate struct {
	metav1.TypeMeta `json:",inline"`
	Kind2           string `json:"kind"`
}

type customJSONType struct{}

func (customJSONType) MarshalJSON() ([]byte, error) { return []byte(`1`), nil }

type withCustom struct {
	metav1.TypeMeta `json:",inline"`
	C               customJSONType `json:"c"`
}

// openStep decodes itself, keeping what its fields do not name: an open object.
type openStep struct {
	Kind string `json:"kind"`
	rest []byte
}

func (s *openStep) UnmarshalJSON(data []byte) error { s.rest = data; return nil }

type withOpen struct {
	metav1.TypeMeta `json:",inline"`
	Steps           []openStep `json:"steps"`
}

func TestGenerateOpenObject(t *testing.T) {
	s, err := generate(t, Options{Docs: map[string]string{"withOpen": "d", "openStep": "One step."},
		Enums: map[string][]string{"openStep.Kind": {"A", "B"}}}, withOpen{})
	if err != nil {
		t.Fatal(err)
	}
	got := js(get(t, s, "properties", "steps", "items"))
	want := `{"description":"One step.","properties":{"kind":{"enum":["A","B"],"type":"string"}},"required":["kind"],"type":"object","x-kubernetes-preserve-unknown-fields":true}`
	if got != want {
		t.Errorf("open object: got %s, want %s", got, want)
	}
}

type noTypeMeta struct {
	Name string `json:"name"`
}

func TestGenerateErrors(t *testing.T) {
	cases := []struct {
		name string
		v    any
		opts Options
		want string
	}{
		{"recursive", recursive{}, Options{}, "recursive type schema.recursive"},
		{",inline on a named field", notEmbedded{}, Options{}, "tagged ,inline but not embedded"},
		{"duplicate name", duplicate{}, Options{}, `two fields are named "kind"`},
		{"custom JSON", withCustom{}, Options{}, "has its own JSON or text encoding"},
		{"no TypeMeta", noTypeMeta{}, Options{}, "embed metav1.TypeMeta"},
		{"no doc", testKind{}, Options{Docs: map[string]string{"other": "x"}}, "has no doc comment"},
		{"stale enum", testKind{}, Options{Enums: map[string][]string{"testSpec.Gone": {"x"}}}, "testSpec.Gone"},
		{"enum on a number", testKind{}, Options{Enums: map[string][]string{"testSpec.Big": {"x"}}}, "not on a string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := c.opts
			if opts.Docs == nil {
				opts.Docs = map[string]string{"testKind": "d", "recursive": "d", "notEmbedded": "d",
					"duplicate": "d", "withCustom": "d", "noTypeMeta": "d"}
			}
			_, err := generate(t, opts, c.v)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}

func TestDocs(t *testing.T) {
	dir := t.TempDir()
	src := `package p

// T is a thing
// over two lines.
//
// Second paragraph.
//
// +k8s:deepcopy-gen=true
type T struct {
	// A is a.
	A string
	B, C int // B and C share this.
	// Embedded is embedded.
	*Embedded
	NoDoc bool
}

type (
	// G is grouped.
	G struct{}
	H int
)

// Embedded has a doc.
type Embedded struct{}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\n// X is in a test.\ntype X int\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	docs, err := Docs(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"T":          "T is a thing over two lines.\n\nSecond paragraph.",
		"T.A":        "A is a.",
		"T.B":        "B and C share this.",
		"T.C":        "B and C share this.",
		"T.Embedded": "Embedded is embedded.",
		"G":          "G is grouped.",
		"Embedded":   "Embedded has a doc.",
	}
	if !reflect.DeepEqual(docs, want) {
		t.Errorf("Docs =\n%q\nwant\n%q", docs, want)
	}
}

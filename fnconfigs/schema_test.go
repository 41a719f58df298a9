package fnconfigs_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
	"k8s.io/kube-openapi/pkg/validation/validate"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/fnconfigs/internal/schema"
)

const regenerate = "run `go generate ./fnconfigs` and commit the result"

// TestSchemasUpToDate regenerates the schemas in memory and compares them with the
// committed files byte for byte.
func TestSchemasUpToDate(t *testing.T) {
	files, err := schema.FnConfigs(".")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(fnconfigs.Kinds) {
		t.Errorf("%d schema files for %d kinds", len(files), len(fnconfigs.Kinds))
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join("schemas", name))
		if err != nil {
			t.Errorf("schemas/%s is missing: %s", name, regenerate)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("schemas/%s is out of date with the Go types or their doc comments: %s\n%s",
				name, regenerate, firstDiff(got, want))
		}
	}
	committed, err := filepath.Glob(filepath.Join("schemas", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range committed {
		if _, ok := files[filepath.Base(path)]; !ok {
			t.Errorf("%s belongs to no kind in fnconfigs.Kinds: %s", path, regenerate)
		}
	}
}

// TestReadmeFieldsUpToDate regenerates the field reference in each kind's README in
// memory and compares the READMEs with the committed files.
func TestReadmeFieldsUpToDate(t *testing.T) {
	readmes, err := schema.FnConfigReadmes(".")
	if err != nil {
		t.Fatalf("%v: fix it, then %s", err, regenerate)
	}
	if len(readmes) != len(fnconfigs.Kinds) {
		t.Errorf("%d READMEs hold field references for %d kinds", len(readmes), len(fnconfigs.Kinds))
	}
	for path, want := range readmes {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("the field reference in %s is out of date with the doc comments: %s\n%s",
				path, regenerate, firstDiff(got, want))
		}
	}
}

// TestDocsNameDefaults requires the doc comments that quote a default image to quote the
// one the code uses.
func TestDocsNameDefaults(t *testing.T) {
	docs, err := schema.Docs(".")
	if err != nil {
		t.Fatal(err)
	}
	for key, value := range map[string]string{
		"KanikoJobSpec.ExecutorImage":     fnconfigs.DefaultKanikoExecutor,
		"PrepullDaemonSetSpec.SleepImage": fnconfigs.DefaultSleepImage,
		"PrepullRefresh.KubectlImage":     fnconfigs.DefaultKubectlImage,
	} {
		if !strings.Contains(strings.ToLower(docs[key]), "default "+value) {
			t.Errorf("the doc comment of %s does not say \"default %s\": %q", key, value, docs[key])
		}
	}
}

// firstDiff shows the first line where the committed file differs from the generated one.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("first difference, line %d:\n  committed: %s\n  generated: %s", i+1, gl, wl)
		}
	}
	return ""
}

// TestConfigFieldsHaveDocs requires a doc comment on every JSON field of the config
// structs (or on its struct type): they are the descriptions users see in their editors.
func TestConfigFieldsHaveDocs(t *testing.T) {
	docs, err := schema.Docs(".")
	if err != nil {
		t.Fatal(err)
	}
	pkg := reflect.TypeFor[fnconfigs.Metadata]().PkgPath()
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ.PkgPath() != pkg || seen[typ] {
			return
		}
		seen[typ] = true
		for i := range typ.NumField() {
			f := typ.Field(i)
			walk(f.Type)
			if f.Anonymous || !f.IsExported() || f.Tag.Get("json") == "-" {
				continue
			}
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			// Without a doc of its own, a field of one of our struct types takes the type's.
			typeDoc := ft.PkgPath() == pkg && docs[ft.Name()] != ""
			if docs[typ.Name()+"."+f.Name] == "" && !typeDoc {
				t.Errorf("field %s.%s has no doc comment", typ.Name(), f.Name)
			}
		}
	}
	for _, k := range fnconfigs.Kinds {
		typ := reflect.TypeOf(k.New())
		walk(typ)
		if docs[typ.Elem().Name()] == "" {
			t.Errorf("kind %s has no doc comment", k.Name)
		}
	}
}

// obj is a JSON object of a schema, read with dotted paths.
type obj map[string]any

func (o obj) at(t *testing.T, path ...string) obj {
	t.Helper()
	cur := o
	for _, p := range path {
		next, ok := cur[p].(map[string]any)
		if !ok {
			t.Fatalf("schema has no object at %s", strings.Join(path, "."))
		}
		cur = next
	}
	return cur
}

func (o obj) strings(key string) []string {
	list, _ := o[key].([]any)
	out := make([]string, 0, len(list))
	for _, v := range list {
		s, _ := v.(string)
		out = append(out, s)
	}
	return out
}

func loadSchema(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("schemas", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestInjectSidecarSchema(t *testing.T) {
	var root obj
	if err := json.Unmarshal(loadSchema(t, "injectsidecar.json"), &root); err != nil {
		t.Fatal(err)
	}
	if root["title"] != "InjectSidecar" || !strings.HasPrefix(root["description"].(string), "InjectSidecar adds helper containers") {
		t.Errorf("title %q, description %q", root["title"], root["description"])
	}
	props := root.at(t, "properties")
	spec := props.at(t, "spec")
	containers := spec.at(t, "properties", "containers")
	checks := []struct {
		what      string
		got, want any
	}{
		{"required", root.strings("required"), []string{"apiVersion", "kind", "metadata", "spec"}},
		{"apiVersion enum", props.at(t, "apiVersion").strings("enum"), []string{fnconfigs.APIVersion}},
		{"kind enum", props.at(t, "kind").strings("enum"), []string{"InjectSidecar"}},
		{"metadata.required", props.at(t, "metadata").strings("required"), []string{"name"}},
		{"spec.required", spec.strings("required"), []string{"containers"}},
		{"spec.position.enum", spec.at(t, "properties", "position").strings("enum"), []string{"first", "last"}},
		{"spec.selector.kinds.items.enum", spec.at(t, "properties", "selector", "properties", "kinds", "items").strings("enum"),
			fnconfigs.WorkloadKinds},
		{"spec.containers.type", containers["type"], "array"},
		{"spec.containers.items.required", containers.at(t, "items").strings("required"), []string{"name"}},
		{"spec.containers.description", containers["description"],
			"Containers are the sidecars, as core/v1 Containers; at least one. Their names must be DNS labels."},
		// Lines of a doc comment join into one.
		{"spec.native.description", spec.at(t, "properties", "native")["description"],
			"Native injects into initContainers with restartPolicy: Always (Kubernetes 1.29 and later): " +
				"the sidecar starts before the app and does not keep a Job from finishing."},
		// Embedded Targets' fields are merged into the spec.
		{"spec.selector.description", spec.at(t, "properties", "selector")["description"],
			"Selector picks the workloads; omitted, every pod-bearing workload."},
		{"spec.containers.items.ports.items.containerPort.format",
			containers.at(t, "items", "properties", "ports", "items", "properties", "containerPort")["format"], "int32"},
		{"spec.containers.items.resources.requests.additionalProperties.x-kubernetes-int-or-string",
			containers.at(t, "items", "properties", "resources", "properties", "requests", "additionalProperties")["x-kubernetes-int-or-string"], true},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	item := containers.at(t, "items", "properties")
	for _, p := range []string{"name", "image", "ports", "resources", "volumeMounts"} {
		if _, ok := item[p]; !ok {
			t.Errorf("spec.containers.items has no property %s", p)
		}
	}
	if _, ok := spec.at(t, "properties")["Targets"]; ok {
		t.Error("embedded Targets is a property, not merged")
	}
	// Unknown fields are flagged: on our structs and on Kubernetes' alike.
	for path, o := range map[string]obj{
		"":                    root,
		"metadata":            props.at(t, "metadata"),
		"spec":                spec,
		"spec.selector":       spec.at(t, "properties", "selector"),
		"spec.containers[]":   containers.at(t, "items"),
		"spec.volumes[]":      spec.at(t, "properties", "volumes", "items"),
		"volumes[].configMap": spec.at(t, "properties", "volumes", "items", "properties", "configMap"),
	} {
		if o["additionalProperties"] != false {
			t.Errorf("%s: additionalProperties = %v, want false", path, o["additionalProperties"])
		}
	}
}

const sampleInjectSidecar = `apiVersion: fn.unbake.dev/v1alpha1
kind: InjectSidecar
metadata: {name: basic-auth}
spec:
  selector: {kinds: [Deployment], names: [tensorboard]}
  containers:
    - name: nginx
      image: nginx:1.27.3-alpine
      ports: [{name: http, containerPort: 80}]
      resources: {requests: {cpu: 10m, memory: 16Mi}}
      volumeMounts: [{name: nginx-conf, mountPath: /etc/nginx/conf.d}]
  volumes:
    - name: nginx-conf
      configMap: {name: nginx-conf}
  exposePort: http
`

// TestInjectSidecarSchemaValidates checks the committed schema with a JSON-schema validator
// against configs that Decode accepts or rejects.
func TestInjectSidecarSchemaValidates(t *testing.T) {
	var s spec.Schema
	if err := json.Unmarshal(loadSchema(t, "injectsidecar.json"), &s); err != nil {
		t.Fatal(err)
	}
	validator := validate.NewSchemaValidator(&s, nil, "", strfmt.Default)
	edit := func(old, new string) string {
		if !strings.Contains(sampleInjectSidecar, old) {
			t.Fatalf("sample has no %q", old)
		}
		return strings.Replace(sampleInjectSidecar, old, new, 1)
	}
	cases := []struct {
		name         string
		config       string
		schemaOK     bool
		decodeOK     bool
		schemaErrHas string
	}{
		{name: "sample", config: sampleInjectSidecar, schemaOK: true, decodeOK: true},
		{name: "numeric quantity", config: edit("cpu: 10m", "cpu: 0.5"), schemaOK: true, decodeOK: true},
		{name: "native first", config: edit("exposePort: http", "exposePort: http\n  native: true\n  position: first"),
			schemaOK: true, decodeOK: true},
		{name: "probe port by name", config: edit("image: nginx:1.27.3-alpine",
			"image: nginx:1.27.3-alpine\n      readinessProbe: {httpGet: {path: /, port: http}}"), schemaOK: true, decodeOK: true},
		{name: "probe port by number", config: edit("image: nginx:1.27.3-alpine",
			"image: nginx:1.27.3-alpine\n      readinessProbe: {tcpSocket: {port: 80}}"), schemaOK: true, decodeOK: true},
		{name: "unknown top-level field", config: sampleInjectSidecar + "extra: 1\n", schemaErrHas: ".extra in body is a forbidden property"},
		{name: "unknown spec field", config: edit("exposePort: http", "exposePort: http\n  postion: first"), schemaErrHas: "spec.postion in body is a forbidden property"},
		{name: "unknown container field", config: edit("image: nginx", "imag: nginx"), schemaErrHas: "spec.containers[0].imag in body is a forbidden property"},
		{name: "unknown selector field", config: edit("names: [tensorboard]", "name: [tensorboard]"), schemaErrHas: "spec.selector.name in body is a forbidden property"},
		{name: "wrong type", config: edit("containerPort: 80", `containerPort: "80"`), schemaErrHas: "spec.containers[0].ports[0].containerPort in body must be of type integer"},
		{name: "bad quantity", config: edit("memory: 16Mi", "memory: 16 megs"), schemaErrHas: "spec.containers[0].resources.requests.memory in body should match"},
		{name: "bad position", config: edit("exposePort: http", "exposePort: http\n  position: middle"), schemaErrHas: "spec.position in body should be one of"},
		{name: "bad selector kind", config: edit("kinds: [Deployment]", "kinds: [Deploymnet]"), schemaErrHas: "spec.selector.kinds[0] in body should be one of"},
		{name: "no containers", config: strings.Split(sampleInjectSidecar, "  containers:")[0], schemaErrHas: "spec.containers in body is required"},
		{name: "no name", config: edit("metadata: {name: basic-auth}", "metadata: {namespace: x}"), schemaErrHas: "metadata.name in body is required"},
		{name: "wrong kind", config: edit("kind: InjectSidecar", "kind: InjectSidecars"), schemaErrHas: "kind in body should be one of"},
		{name: "wrong apiVersion", config: edit("fn.unbake.dev/v1alpha1", "fn.unbake.dev/v1"), schemaErrHas: "apiVersion in body should be one of"},
		// What only Validate sees: the schema cannot tell which port names exist.
		{name: "exposePort names no port", config: edit("exposePort: http", "exposePort: https"), schemaOK: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			node, err := yaml.Parse(c.config)
			if err != nil {
				t.Fatal(err)
			}
			data, err := node.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(data, &doc); err != nil {
				t.Fatal(err)
			}
			res := validator.Validate(doc)
			if res.IsValid() != c.schemaOK {
				t.Errorf("schema valid = %v, want %v; errors: %v", res.IsValid(), c.schemaOK, res.Errors)
			}
			if c.schemaErrHas != "" && !slices.ContainsFunc(res.Errors, func(e error) bool {
				return strings.Contains(e.Error(), c.schemaErrHas)
			}) {
				t.Errorf("no schema error mentions %q: %v", c.schemaErrHas, res.Errors)
			}
			errs := fnconfigs.Decode(node, "InjectSidecar", &fnconfigs.InjectSidecar{})
			if (len(errs) == 0) != c.decodeOK {
				t.Errorf("Decode ok = %v, want %v; errors: %v", len(errs) == 0, c.decodeOK, errs)
			}
		})
	}
}

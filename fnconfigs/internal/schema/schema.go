// Package schema generates OpenAPI v3 schemas of config kinds from their Go types, by
// reflection: fully inline (no $ref), like a CRD's openAPIV3Schema, with descriptions
// taken from the Go doc comments of the kinds' own package.
//
// A struct of the kinds' own package that decodes itself (json.Unmarshaler) is an open
// object: its fields are the ones the schema describes and requires, and any other field
// is allowed and kept (x-kubernetes-preserve-unknown-fields), e.g. a Pipeline step, which
// is a whole config of another kind.
package schema

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Schema is the subset of an OpenAPI v3 schema object the generator writes. Its field
// order is the key order of the output.
type Schema struct {
	Title                string             `json:"title,omitempty"`
	Description          string             `json:"description,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Pattern              string             `json:"pattern,omitempty"`
	Minimum              *int64             `json:"minimum,omitempty"`
	IntOrString          bool               `json:"x-kubernetes-int-or-string,omitempty"`
	PreserveUnknown      bool               `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
	AnyOf                []*Schema          `json:"anyOf,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	AdditionalProperties any                `json:"additionalProperties,omitempty"` // *Schema, or false on structs
	Items                *Schema            `json:"items,omitempty"`

	// order is the order of Properties in the Go struct, for the field reference.
	order []string
	// goType names a type of another package, e.g. core/v1 Container, for the field
	// reference; the JSON does not say it.
	goType string
}

// Kind is one config kind to generate a schema for.
type Kind struct {
	// Name is the kind, e.g. InjectSidecar; the file is its lowercase + ".json".
	Name string
	// Type is the kind's Go struct type, or a pointer to it. It must embed metav1.TypeMeta.
	Type reflect.Type
}

// Options are what the Go types alone do not say.
type Options struct {
	// APIVersion is the apiVersion every kind requires.
	APIVersion string
	// Docs are the doc comments of the kinds' package, as returned by Docs: keyed by type
	// name, and by type name + "." + Go field name. They become descriptions of the types
	// of the kinds' own package; every kind must have one.
	Docs map[string]string
	// Enums are the allowed values of string fields of the kinds' own package, keyed by
	// type name + "." + Go field name; on a list of strings they constrain the items.
	// Every key must name such a field.
	Enums map[string][]string
}

// maxDepth bounds the nesting of a schema, far above what core/v1 needs.
const maxDepth = 64

// FileName is the name of the schema file of kind: its lowercase name + ".json".
func FileName(kind string) string { return strings.ToLower(kind) + ".json" }

// Generate returns the schema file of every kind, keyed by FileName: 2-space indented
// JSON with sorted properties and a trailing newline, the same bytes for the same input.
func Generate(opts Options, kinds ...Kind) (map[string][]byte, error) {
	schemas, err := Build(opts, kinds...)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, k := range kinds {
		name := FileName(k.Name)
		if _, dup := files[name]; dup {
			return nil, fmt.Errorf("kind %s: two kinds share the file %s", k.Name, name)
		}
		if files[name], err = Marshal(schemas[k.Name]); err != nil {
			return nil, fmt.Errorf("kind %s: %w", k.Name, err)
		}
	}
	return files, nil
}

// Build returns the schema of every kind, keyed by kind name.
func Build(opts Options, kinds ...Kind) (map[string]*Schema, error) {
	g := &generator{opts: opts, own: map[string]bool{}, usedEnums: map[string]bool{}}
	for _, k := range kinds {
		if k.Type == nil {
			return nil, fmt.Errorf("kind %s: no Go type", k.Name)
		}
		g.own[deref(k.Type).PkgPath()] = true
	}
	schemas := map[string]*Schema{}
	for _, k := range kinds {
		s, err := g.kind(k)
		if err != nil {
			return nil, fmt.Errorf("kind %s: %w", k.Name, err)
		}
		schemas[k.Name] = s
	}
	var unused []string
	for key := range opts.Enums {
		if !g.usedEnums[key] {
			unused = append(unused, key)
		}
	}
	if len(unused) > 0 {
		slices.Sort(unused)
		return nil, fmt.Errorf("enums name no string field of the kinds: %s", strings.Join(unused, ", "))
	}
	return schemas, nil
}

// Marshal encodes s as 2-space indented JSON with a trailing newline, leaving <, > and &
// as they are.
func Marshal(s *Schema) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type generator struct {
	opts      Options
	own       map[string]bool // package paths of the kinds: their types get docs and enums
	usedEnums map[string]bool
	stack     []reflect.Type // the structs being walked, outermost first
}

// kind is the schema of a whole kind: its struct, with apiVersion and kind pinned.
func (g *generator) kind(k Kind) (*Schema, error) {
	t := deref(k.Type)
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("type %s is not a struct", t)
	}
	s, err := g.schema(t, k.Name)
	if err != nil {
		return nil, err
	}
	if s.Description == "" {
		return nil, fmt.Errorf("type %s has no doc comment: write one, or check that the docs come from its package's folder", t)
	}
	s.Title = k.Name
	// The reference lists apiVersion first, as every manifest does; TypeMeta declares kind first.
	s.order = append([]string{"apiVersion", "kind"}, slices.DeleteFunc(s.order, func(name string) bool {
		return name == "apiVersion" || name == "kind"
	})...)
	pinned := []struct{ name, value string }{{"apiVersion", g.opts.APIVersion}, {"kind", k.Name}}
	required := []string{}
	for _, p := range pinned {
		ps, ok := s.Properties[p.name]
		if !ok || ps.Type != "string" {
			return nil, fmt.Errorf("type %s has no string field %q: embed metav1.TypeMeta `json:\",inline\"`", t, p.name)
		}
		if p.value == "" {
			return nil, fmt.Errorf("no value for %s", p.name)
		}
		ps.Enum = []string{p.value}
		ps.Description = fmt.Sprintf("Always %s.", p.value)
		required = append(required, p.name)
	}
	for _, r := range s.Required {
		if !slices.Contains(required, r) {
			required = append(required, r)
		}
	}
	s.Required = required
	return s, nil
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	timeType        = reflect.TypeFor[metav1.Time]()
	microTimeType   = reflect.TypeFor[metav1.MicroTime]()
	durationType    = reflect.TypeFor[metav1.Duration]()
	fieldsV1Type    = reflect.TypeFor[metav1.FieldsV1]()

	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// quantityPattern is resource.Quantity's syntax, as controller-gen writes it.
const quantityPattern = `^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$`

func intOrString() *Schema {
	return &Schema{IntOrString: true, AnyOf: []*Schema{{Type: "integer"}, {Type: "string"}}, goType: "int-or-string"}
}

// special are the types whose JSON is not what reflection sees.
var special = map[reflect.Type]func() *Schema{
	// A Quantity is also written as a plain number, cpu: 0.5 (Kubernetes' own OpenAPI v3
	// says number or string), so number, not just integer, with the int-or-string mark
	// that controller-gen gives it.
	quantityType: func() *Schema {
		return &Schema{Pattern: quantityPattern, IntOrString: true,
			AnyOf: []*Schema{{Type: "number"}, {Type: "string"}}, goType: "quantity"}
	},
	intOrStringType: intOrString,
	timeType:        func() *Schema { return &Schema{Type: "string", Format: "date-time"} },
	microTimeType:   func() *Schema { return &Schema{Type: "string", Format: "date-time"} },
	durationType:    func() *Schema { return &Schema{Type: "string"} },
	// managedFields' fieldsV1: any object.
	fieldsV1Type: func() *Schema { return &Schema{Type: "object", PreserveUnknown: true} },
}

// schema is the schema of a value of type t at path (dotted JSON names, for errors).
func (g *generator) schema(t reflect.Type, path string) (*Schema, error) {
	t = deref(t)
	if f, ok := special[t]; ok {
		return f(), nil
	}
	if g.open(t) {
		return g.openObject(t, path)
	}
	if customJSON(t) {
		return nil, fmt.Errorf("%s: type %s has its own JSON or text encoding: add it to the special types of package schema", path, t)
	}
	switch t.Kind() {
	case reflect.Bool:
		return &Schema{Type: "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16:
		return &Schema{Type: "integer"}, nil
	case reflect.Int32:
		return &Schema{Type: "integer", Format: "int32"}, nil
	case reflect.Int64:
		return &Schema{Type: "integer", Format: "int64"}, nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		zero := int64(0)
		return &Schema{Type: "integer", Minimum: &zero}, nil
	case reflect.Float32:
		return &Schema{Type: "number", Format: "float"}, nil
	case reflect.Float64:
		return &Schema{Type: "number", Format: "double"}, nil
	case reflect.String:
		return &Schema{Type: "string"}, nil
	case reflect.Interface:
		return &Schema{}, nil // any value
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 && !customJSON(t.Elem()) {
			return &Schema{Type: "string", Format: "byte"}, nil // encoding/json writes base64
		}
		items, err := g.schema(t.Elem(), path+"[]")
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "array", Items: items}, nil
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		default:
			return nil, fmt.Errorf("%s: map key type %s is not a string or an integer", path, t.Key())
		}
		values, err := g.schema(t.Elem(), path+"{}")
		if err != nil {
			return nil, err
		}
		return &Schema{Type: "object", AdditionalProperties: values}, nil
	case reflect.Struct:
		return g.object(t, path)
	default:
		return nil, fmt.Errorf("%s: type %s has no JSON form", path, t)
	}
}

// object is the schema of struct t: its JSON fields and no others.
func (g *generator) object(t reflect.Type, path string) (*Schema, error) {
	s := &Schema{Type: "object", Properties: map[string]*Schema{}, AdditionalProperties: false}
	if err := g.fields(t, s, path); err != nil {
		return nil, err
	}
	if g.own[t.PkgPath()] {
		s.Description = g.opts.Docs[t.Name()]
	} else {
		s.goType = apiTypeName(t)
	}
	return s, nil
}

// open tells whether t is an open object: a struct of the kinds' own package that decodes
// itself, so that it can keep the fields it does not declare.
func (g *generator) open(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && g.own[t.PkgPath()] && reflect.PointerTo(t).Implements(jsonUnmarshaler)
}

// openObject is the schema of open struct t: its JSON fields, and any others.
func (g *generator) openObject(t reflect.Type, path string) (*Schema, error) {
	s, err := g.object(t, path)
	if err != nil {
		return nil, err
	}
	s.AdditionalProperties = nil
	s.PreserveUnknown = true
	return s, nil
}

// fields adds the JSON fields of struct t to s, following encoding/json: embedded structs
// without a JSON name have their fields merged.
func (g *generator) fields(t reflect.Type, s *Schema, path string) error {
	if i := slices.Index(g.stack, t); i >= 0 {
		cycle := make([]string, 0, len(g.stack)-i+1)
		for _, st := range g.stack[i:] {
			cycle = append(cycle, st.String())
		}
		return fmt.Errorf("%s: recursive type %s (%s): an inline schema cannot express it",
			path, t, strings.Join(append(cycle, t.String()), " → "))
	}
	if len(g.stack) >= maxDepth {
		return fmt.Errorf("%s: types nested deeper than %d", path, maxDepth)
	}
	g.stack = append(g.stack, t)
	defer func() { g.stack = g.stack[:len(g.stack)-1] }()

	own := g.own[t.PkgPath()]
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				if !f.IsExported() {
					continue // encoding/json cannot set it
				}
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				if err := g.fields(ft, s, path); err != nil {
					return err
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			if hasOpt(opts, "inline") {
				return fmt.Errorf("%s: field %s.%s is tagged ,inline but not embedded: encoding/json would name it %q",
					path, t, f.Name, f.Name)
			}
			name = f.Name
		}
		if _, dup := s.Properties[name]; dup {
			return fmt.Errorf("%s: two fields are named %q (one in %s)", path, name, t)
		}
		fpath := path + "." + name
		fs, err := g.schema(f.Type, fpath)
		if err != nil {
			return err
		}
		if own {
			key := t.Name() + "." + f.Name
			if doc := g.opts.Docs[key]; doc != "" {
				fs.Description = doc
			}
			if values, ok := g.opts.Enums[key]; ok {
				switch {
				case fs.Type == "string":
					fs.Enum = slices.Clone(values)
				case fs.Type == "array" && fs.Items.Type == "string":
					fs.Items.Enum = slices.Clone(values)
				default:
					return fmt.Errorf("%s: enum %s is not on a string or a list of strings", fpath, key)
				}
				g.usedEnums[key] = true
			}
		}
		s.Properties[name] = fs
		s.order = append(s.order, name)
		if required(f, opts, own) {
			s.Required = append(s.Required, name)
		}
	}
	return nil
}

// required tells whether a field must be set: it has no omitempty (or omitzero). In the
// kinds' own package that is the whole rule; elsewhere, as in Kubernetes' types, a field
// that can be nil stays optional too (e.g. core/v1 GRPCAction.service is +optional).
func required(f reflect.StructField, opts string, own bool) bool {
	if hasOpt(opts, "omitempty") || hasOpt(opts, "omitzero") {
		return false
	}
	switch f.Type.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return own
	}
	return true
}

func hasOpt(opts, opt string) bool {
	return slices.Contains(strings.Split(opts, ","), opt)
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// customJSON tells whether t, or a pointer to it, encodes itself.
func customJSON(t reflect.Type) bool {
	for _, i := range []reflect.Type{jsonMarshaler, jsonUnmarshaler, textMarshaler, textUnmarshaler} {
		if t.Implements(i) || reflect.PointerTo(t).Implements(i) {
			return true
		}
	}
	return false
}

// apiTypeName names a struct of another package as Kubernetes' docs do: core/v1 Container
// for k8s.io/api/core/v1.Container.
func apiTypeName(t reflect.Type) string {
	parts := strings.Split(t.PkgPath(), "/")
	if len(parts) > 2 {
		parts = parts[len(parts)-2:]
	}
	return strings.Join(parts, "/") + " " + t.Name()
}

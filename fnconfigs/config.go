package fnconfigs

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// APIVersion is the apiVersion of every unbake config kind.
const APIVersion = "fn.unbake.dev/v1alpha1"

// Config is a function config kind.
type Config interface {
	// Default fills the fields the user left out.
	Default()
	// Validate returns every problem of the defaulted config at once.
	Validate() field.ErrorList
	// IsStrict tells whether warnings fail the run.
	IsStrict() bool
}

// Decode reads node into cfg strictly (unknown and duplicate fields are errors), then
// defaults and validates it. kind is the kind node must have.
func Decode(node *yaml.RNode, kind string, cfg Config) field.ErrorList {
	if node == nil {
		return field.ErrorList{field.Required(field.NewPath("functionConfig"),
			fmt.Sprintf("this function needs a config of kind %s, apiVersion %s", kind, APIVersion))}
	}
	if node.YNode().Kind != yaml.MappingNode {
		return field.ErrorList{field.Invalid(field.NewPath("functionConfig"), nil,
			fmt.Sprintf("must be a mapping: a config of kind %s, apiVersion %s", kind, APIVersion))}
	}
	var errs field.ErrorList
	if v := node.GetApiVersion(); v != APIVersion {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), v, []string{APIVersion}))
	}
	if k := node.GetKind(); k != kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), k, []string{kind}))
	}
	if len(errs) > 0 {
		return errs
	}
	data, err := configJSON(node)
	if err != nil {
		return field.ErrorList{field.Invalid(field.NewPath(""), nil, err.Error())}
	}
	strictErrs, err := sigsjson.UnmarshalStrict(data, cfg)
	if err != nil {
		return field.ErrorList{decodeError(err)}
	}
	for _, e := range strictErrs {
		errs = append(errs, strictError(e))
	}
	if len(errs) > 0 {
		return errs
	}
	cfg.Default()
	return cfg.Validate()
}

// configJSON is node.MarshalJSON() without its round trip through YAML text (encode,
// then parse), which allocated more than most configs' strict decoding.
func configJSON(node *yaml.RNode) ([]byte, error) {
	m := map[string]any{}
	if err := node.YNode().Decode(&m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// decodeError names the field whose value has the wrong type.
func decodeError(err error) *field.Error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return field.Invalid(field.NewPath(typeErr.Field), "a "+typeErr.Value, "must be "+jsonType(typeErr.Type))
	}
	return field.Invalid(field.NewPath("functionConfig"), nil, err.Error())
}

// jsonType names a Go type the way the config's YAML spells it.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "a boolean (true or false)"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	default:
		return "a mapping"
	}
}

// lowerHex are the digits of a git commit SHA as git writes it.
const lowerHex = "0123456789abcdef"

// consistsOf tells whether every byte of s is one of chars; the checks of names use it
// instead of regexps, which every start of a function would compile.
func consistsOf(s, chars string) bool { return strings.Trim(s, chars) == "" }

func strictError(err error) *field.Error {
	var fe sigsjson.FieldError
	if errors.As(err, &fe) {
		msg := err.Error()
		switch {
		case strings.HasPrefix(msg, "unknown field"):
			return field.Forbidden(field.NewPath(fe.FieldPath()), "unknown field: remove it or check its spelling")
		case strings.HasPrefix(msg, "duplicate field"):
			return field.Duplicate(field.NewPath(fe.FieldPath()), "the field appears twice: keep one")
		}
	}
	return field.Invalid(field.NewPath(""), nil, err.Error())
}

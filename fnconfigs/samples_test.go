package fnconfigs

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Every kind has a sample in samples/ that is valid and shows every field of its spec, so
// users can start from it.
func TestSamplesAreCompleteAndValid(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(kind.Name, func(t *testing.T) {
			path := filepath.Join("samples", strings.ToLower(kind.Name)+".yaml")
			data, err := os.ReadFile(path)
			require.NoError(t, err, "every kind needs a sample")
			node, err := yaml.Parse(string(data))
			require.NoError(t, err)
			require.Empty(t, Decode(node, kind.Name, kind.New()), "%s is not a valid %s", path, kind.Name)

			spec, err := node.Pipe(yaml.Lookup("spec"))
			require.NoError(t, err)
			fields, err := spec.Fields()
			require.NoError(t, err)
			specType, _ := reflect.TypeOf(kind.New()).Elem().FieldByName("Spec")
			for _, name := range jsonNames(specType.Type) {
				// A field that cannot be combined with the others may be shown commented out.
				shown := slices.Contains(fields, name) || strings.Contains(string(data), "  # "+name+":")
				require.True(t, shown, "%s does not show spec.%s", path, name)
			}
		})
	}
}

// jsonNames lists a struct's JSON field names, inlined structs included.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous || strings.Contains(opts, "inline") {
			names = append(names, jsonNames(f.Type)...)
		} else if name != "-" && name != "" {
			names = append(names, name)
		}
	}
	return names
}

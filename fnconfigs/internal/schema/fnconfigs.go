package schema

import (
	"reflect"

	"github.com/unbake/unbake/fnconfigs"
)

// FnConfigs generates the schema file of every kind in fnconfigs.Kinds, keyed by
// FileName. dir is the folder of package fnconfigs, whose doc comments become the
// descriptions.
func FnConfigs(dir string) (map[string][]byte, error) {
	docs, err := Docs(dir)
	if err != nil {
		return nil, err
	}
	kinds := make([]Kind, 0, len(fnconfigs.Kinds))
	for _, k := range fnconfigs.Kinds {
		kinds = append(kinds, Kind{Name: k.Name, Type: reflect.TypeOf(k.New())})
	}
	return Generate(Options{APIVersion: fnconfigs.APIVersion, Docs: docs, Enums: fnconfigs.SchemaEnums}, kinds...)
}

package schema

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/unbake/unbake/fnconfigs"
)

// ReadmeGlobs are where the READMEs that document the kinds are, relative to the folder
// of package fnconfigs: each holds its kind's field reference between the markers.
var ReadmeGlobs = []string{"../functions/*/README.md", "../pipeline/README.md"}

// FnConfigs generates the schema file of every kind in fnconfigs.Kinds, keyed by
// FileName. dir is the folder of package fnconfigs, whose doc comments become the
// descriptions.
func FnConfigs(dir string) (map[string][]byte, error) {
	opts, kinds, err := fnConfigKinds(dir)
	if err != nil {
		return nil, err
	}
	return Generate(opts, kinds...)
}

// FnConfigReadmes returns every README under ReadmeGlobs that holds a field reference,
// keyed by its path, with the references generated from the schemas. Each kind in
// fnconfigs.Kinds must have exactly one.
func FnConfigReadmes(dir string) (map[string][]byte, error) {
	opts, kinds, err := fnConfigKinds(dir)
	if err != nil {
		return nil, err
	}
	schemas, err := Build(opts, kinds...)
	if err != nil {
		return nil, err
	}
	refs := map[string]string{}
	for name, s := range schemas {
		if refs[name], err = Fields(s); err != nil {
			return nil, fmt.Errorf("kind %s: %w", name, err)
		}
	}
	var paths []string
	for _, glob := range ReadmeGlobs {
		matches, err := filepath.Glob(filepath.Join(dir, glob))
		if err != nil {
			return nil, err
		}
		paths = append(paths, matches...)
	}
	readmes := map[string][]byte{}
	documented := map[string]string{}
	for _, path := range paths {
		text, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		filled, found, err := FillReadme(string(text), refs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, kind := range found {
			if other, dup := documented[kind]; dup {
				return nil, fmt.Errorf("the fields of %s are in %s and %s: keep one", kind, other, path)
			}
			documented[kind] = path
		}
		if len(found) > 0 {
			readmes[path] = []byte(filled)
		}
	}
	for _, k := range kinds {
		if _, ok := documented[k.Name]; !ok {
			return nil, fmt.Errorf("no README (%v) holds the fields of %s: add the line %s and the line %s to the README of its function",
				ReadmeGlobs, k.Name, BeginMarker(k.Name), EndMarker)
		}
	}
	return readmes, nil
}

func fnConfigKinds(dir string) (Options, []Kind, error) {
	docs, err := Docs(dir)
	if err != nil {
		return Options{}, nil, err
	}
	kinds := make([]Kind, 0, len(fnconfigs.Kinds))
	for _, k := range fnconfigs.Kinds {
		kinds = append(kinds, Kind{Name: k.Name, Type: reflect.TypeOf(k.New())})
	}
	return Options{APIVersion: fnconfigs.APIVersion, Docs: docs, Enums: fnconfigs.SchemaEnums}, kinds, nil
}

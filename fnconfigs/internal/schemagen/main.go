// Command schemagen writes the OpenAPI v3 schema of every fnconfigs kind to
// DIR/<kind lowercased>.json, and each kind's field reference into the README that
// documents it (schema.ReadmeGlobs). Run it from the fnconfigs folder: go generate
// ./fnconfigs.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/unbake/unbake/fnconfigs/internal/schema"
)

func main() {
	out := flag.String("out", "schemas", "folder to write the <kind>.json files to")
	src := flag.String("src", ".", "folder of package fnconfigs, read for doc comments")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	files, err := schema.FnConfigs(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// Schemas of kinds no longer listed would linger and still pass for current.
	stale, err := filepath.Glob(filepath.Join(out, "*.json"))
	if err != nil {
		return err
	}
	for _, path := range stale {
		if _, ok := files[filepath.Base(path)]; !ok {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(out, name), files[name], 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("schemagen: wrote %s to %s\n", strings.Join(names, ", "), out)
	return writeReadmes(src)
}

// writeReadmes rewrites the READMEs whose field references changed.
func writeReadmes(src string) error {
	readmes, err := schema.FnConfigReadmes(src)
	if err != nil {
		return err
	}
	for path, text := range readmes {
		old, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if string(old) == string(text) {
			continue
		}
		if err := os.WriteFile(path, text, 0o644); err != nil {
			return err
		}
		fmt.Printf("schemagen: wrote the field reference in %s\n", path)
	}
	return nil
}

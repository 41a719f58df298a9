// Package catalog reads a function's metadata.yaml, its entry in the format of the kpt
// functions catalog (kptdev/krm-functions-catalog): image, description, tags, source and
// example URLs, license. The description is the one source of the function's summary.
package catalog

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Metadata is a metadata.yaml. The catalog's schema (scripts/generate_docs/
// metadata-schema.json there) allows no other fields.
type Metadata struct {
	// Image is the function's image without a tag: the catalog's release adds it.
	Image string `yaml:"image"`
	// Description is one line saying what the function does.
	Description string `yaml:"description"`
	// Tags say what kind of function it is, from the catalog's list (Tags).
	Tags []string `yaml:"tags"`
	// SourceURL is the function's folder on GitHub.
	SourceURL string `yaml:"sourceURL"`
	// ExamplePackageURLs are the examples that use the function, on GitHub.
	ExamplePackageURLs []string `yaml:"examplePackageURLs,omitempty"`
	// License is an SPDX identifier.
	License string `yaml:"license"`
	// Hidden leaves the function out of the catalog's listing.
	Hidden bool `yaml:"hidden,omitempty"`
}

// Tags are the values the catalog's schema allows in tags.
var Tags = []string{"mutator", "validator", "viewer", "generator", "test", "testing", "timing",
	"Config Sync", "GCP", "blueprints", "name prefix", "name suffix"}

// Parse reads a metadata.yaml and checks it against the catalog's schema: unknown fields,
// a missing image, description, tags, sourceURL or license, an image outside ghcr.io or
// with a tag, and tags not in Tags are errors.
func Parse(data []byte) (Metadata, error) {
	var m Metadata
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&m); err != nil {
		return Metadata{}, fmt.Errorf("metadata.yaml: %w", err)
	}
	var errs []error
	for _, f := range []struct{ name, value string }{{"image", m.Image}, {"description", m.Description},
		{"sourceURL", m.SourceURL}, {"license", m.License}} {
		if f.value == "" {
			errs = append(errs, fmt.Errorf("%s: required", f.name))
		}
	}
	if m.Image != "" && (!strings.HasPrefix(m.Image, "ghcr.io/") || strings.ContainsAny(m.Image[strings.LastIndex(m.Image, "/"):], ":@")) {
		errs = append(errs, fmt.Errorf("image: %q: a ghcr.io image without a tag or digest", m.Image))
	}
	if strings.Contains(m.Description, "\n") {
		errs = append(errs, errors.New("description: one line"))
	}
	if len(m.Tags) == 0 {
		errs = append(errs, errors.New("tags: at least one"))
	}
	for _, tag := range m.Tags {
		if !slices.Contains(Tags, tag) {
			errs = append(errs, fmt.Errorf("tags: %q is not one of %q", tag, Tags))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Metadata{}, fmt.Errorf("metadata.yaml: %w", err)
	}
	return m, nil
}

// Description is the description of a function's embedded metadata.yaml: its summary.
// It panics on an invalid file, which every test of the function then reports.
func Description(data []byte) string {
	m, err := Parse(data)
	if err != nil {
		panic(err)
	}
	return m.Description
}

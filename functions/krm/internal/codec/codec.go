// Package codec reads and writes the YAML of a ResourceList for package krm: it cuts a
// list into the text of its items (Split), parses one item (Parse), appends one item
// (Append), and keeps the text of unchanged items (RawEntries, Fingerprint).
//
// Hand-written readers and writers for the common shapes of manifests make these several
// times faster than yaml.v3, and yaml.v3 handles the rest. They are an optimisation that
// can be turned off, never a second truth: with UNBAKE_CODEC=yaml.v3 in the environment
// everything goes through yaml.v3 alone, `make test` runs the golden suites both ways,
// and the differential tests and fuzzers hold the two equal.
package codec

import (
	"bytes"
	"os"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Fast tells whether the hand-written paths are used; UNBAKE_CODEC=yaml.v3 turns them off.
var Fast = os.Getenv("UNBAKE_CODEC") != "yaml.v3"

// FromJSON builds, from the compact JSON json.Marshal writes, yaml.Parse's tree of it in
// block style (see ToBlockStyle).
func FromJSON(data []byte) (*yaml.Node, error) {
	if Fast {
		return fromJSON(data)
	}
	doc, err := yaml.Parse(string(data))
	if err != nil {
		return nil, err
	}
	ToBlockStyle(doc.Document())
	return doc.Document(), nil
}

// WriteResults writes the results field as the encoder writes framework.Results.
func WriteResults(buf *bytes.Buffer, results framework.Results) error {
	if Fast {
		return writeResults(buf, results)
	}
	var n yaml.Node
	if err := n.Encode(results); err != nil {
		return err
	}
	return WriteField(buf, "results", &n)
}

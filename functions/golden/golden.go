// Package golden runs a function's golden cases: testdata/<case>/ holds config.yaml (the
// functionConfig), input.yaml (the items, as a YAML stream) and the expectations
// expected.yaml (the output items) and results.yaml (the results). A case that must fail
// has no expected.yaml. Every case runs twice: the second run must change nothing.
// UNBAKE_UPDATE_GOLDEN=1 rewrites the expectations from what the function does.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const updateEnv = "UNBAKE_UPDATE_GOLDEN"

// Run runs every case under dir (usually "testdata") through fn.
func Run(t *testing.T, fn krm.Function, dir string) {
	t.Helper()
	cases, err := os.ReadDir(dir)
	require.NoError(t, err)
	ran := 0
	for _, c := range cases {
		if !isCase(c) {
			continue
		}
		ran++
		t.Run(c.Name(), func(t *testing.T) { runCase(t, fn, filepath.Join(dir, c.Name())) })
	}
	require.NotZero(t, ran, "no golden cases in %s", dir)
}

// isCase tells a case folder from files and from the fuzz corpus Go keeps in testdata/fuzz.
func isCase(entry os.DirEntry) bool { return entry.IsDir() && entry.Name() != "fuzz" }

// Output is what one run produced.
type Output struct {
	Code    int
	Items   []*yaml.RNode
	Stream  string // the items as a YAML stream, exactly as written
	Results *yaml.RNode
	Stderr  string
}

func runCase(t *testing.T, fn krm.Function, dir string) {
	config := read(t, filepath.Join(dir, "config.yaml"))
	input := read(t, filepath.Join(dir, "input.yaml"))
	first := Process(t, fn, config, input)

	expectedPath := filepath.Join(dir, "expected.yaml")
	resultsPath := filepath.Join(dir, "results.yaml")
	if os.Getenv(updateEnv) != "" {
		update(t, expectedPath, resultsPath, first)
	}

	require.Equal(t, string(readOptional(t, resultsPath)), encodeResults(t, first.Results), "results differ (%s)", resultsPath)
	expected, wantSuccess := readExpected(t, expectedPath)
	if !wantSuccess {
		require.Equal(t, 1, first.Code, "the case has no expected.yaml, so the function must fail")
		require.Empty(t, first.Items, "a failing run must write no items")
		return
	}
	require.Equal(t, 0, first.Code, "the function failed: %s", first.Stderr)
	require.Equal(t, string(expected), first.Stream, "output differs from %s", expectedPath)

	second := Process(t, fn, config, []byte(first.Stream))
	require.Equal(t, 0, second.Code, "the second run failed: %s", second.Stderr)
	require.Equal(t, first.Stream, second.Stream, "a second run changed the output: the function is not idempotent")
}

// Process runs fn on the items of the YAML stream input with the given config, through
// the same reading and writing as the binary. The ResourceList is made from the input's
// text, so the test sees whether untouched items keep their exact bytes.
func Process(t *testing.T, fn krm.Function, config, input []byte) Output {
	t.Helper()
	var out, stderr bytes.Buffer
	in := resourceList(input, config)
	code := krm.Run(fn.Process, in, &out, &stderr)

	written, err := krm.Read(bytes.NewReader(out.Bytes()))
	require.NoError(t, err, "the function wrote an unreadable ResourceList:\n%s", out.String())
	items, err := written.Items()
	require.NoError(t, err, "the function wrote unreadable items:\n%s", out.String())
	root, err := yaml.Parse(out.String())
	require.NoError(t, err)
	var results *yaml.RNode
	if f := root.Field("results"); f != nil {
		results = f.Value
	}
	return Output{Code: code, Items: items, Stream: itemsText(t, out.Bytes(), len(items)),
		Results: results, Stderr: stderr.String()}
}

// resourceList wraps the YAML stream input and the config in a ResourceList, textually.
func resourceList(input, config []byte) *bytes.Buffer {
	var in bytes.Buffer
	in.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for _, doc := range splitStream(input) {
		in.WriteString("- ")
		in.Write(indent(doc))
	}
	if len(bytes.TrimSpace(config)) > 0 {
		in.WriteString("functionConfig:\n  ")
		in.Write(indent(config))
	}
	return &in
}

// splitStream splits a YAML stream at its document separators.
func splitStream(stream []byte) [][]byte {
	var docs [][]byte
	for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
		doc = bytes.TrimPrefix(doc, []byte("---\n"))
		if len(bytes.TrimSpace(doc)) > 0 {
			docs = append(docs, doc)
		}
	}
	return docs
}

// indent indents every line but the first by two spaces, as in a sequence entry.
// Blank lines at the end of a document are dropped: they belong to no item, and a stream
// read back from the output must give the same list.
func indent(doc []byte) []byte {
	lines := strings.SplitAfter(strings.TrimRight(string(doc), "\n")+"\n", "\n")
	for len(lines) > 1 && strings.TrimSpace(lines[len(lines)-2]) == "" {
		lines = append(lines[:len(lines)-2], lines[len(lines)-1])
	}
	for i, line := range lines {
		if i > 0 && line != "\n" && line != "" {
			lines[i] = "  " + line
		}
	}
	return []byte(strings.Join(lines, ""))
}

// itemsText turns the items of a written ResourceList back into a YAML stream, textually,
// so expectations show the exact bytes the function wrote.
func itemsText(t *testing.T, list []byte, count int) string {
	t.Helper()
	_, items, found := bytes.Cut(list, []byte("\nitems:\n"))
	if !found {
		require.Zero(t, count, "no items: block in\n%s", list)
		return ""
	}
	var docs []string
	for _, line := range strings.SplitAfter(string(items), "\n") {
		if line == "" || (line[0] != ' ' && line[0] != '#' && line[0] != '-' && line != "\n") {
			break
		}
		if rest, ok := strings.CutPrefix(line, "- "); ok {
			docs = append(docs, rest)
			continue
		}
		require.NotEmpty(t, docs, "text before the first item:\n%s", list)
		docs[len(docs)-1] += strings.TrimPrefix(line, "  ")
	}
	require.Len(t, docs, count, "items in\n%s", list)
	return strings.Join(docs, "---\n")
}

func encodeResults(t *testing.T, results *yaml.RNode) string {
	if results == nil {
		return ""
	}
	s, err := results.String()
	require.NoError(t, err)
	return s
}

func update(t *testing.T, expectedPath, resultsPath string, out Output) {
	if out.Code == 0 {
		write(t, expectedPath, []byte(out.Stream))
	} else {
		require.NoError(t, removeIfExists(expectedPath))
	}
	if r := encodeResults(t, out.Results); r != "" {
		write(t, resultsPath, []byte(r))
	} else {
		require.NoError(t, removeIfExists(resultsPath))
	}
}

func readExpected(t *testing.T, path string) ([]byte, bool) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, false
	}
	require.NoError(t, err)
	return data, true
}

func read(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	return data
}

func readOptional(t *testing.T, path string) []byte {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	return data
}

func write(t *testing.T, path string, data []byte) {
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

package convergence

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Input is a list the compositions run on, as a YAML stream.
type Input struct {
	Name, Stream string
}

// Inputs are every example under examplesDir, as written (its package's manifests) and as
// rendered by its own pipeline (expected.yaml, with the items its generators made), and
// generated lists of every workload kind, one per seed.
func Inputs(examplesDir string, seeds ...uint64) ([]Input, error) {
	dirs, err := filepath.Glob(filepath.Join(examplesDir, "*", "package"))
	if err != nil {
		return nil, err
	}
	var inputs []Input
	for _, pkg := range dirs {
		example := filepath.Base(filepath.Dir(pkg))
		written, err := packageStream(pkg)
		if err != nil {
			return nil, err
		}
		rendered, err := os.ReadFile(filepath.Join(filepath.Dir(pkg), "expected.yaml"))
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, Input{example, written}, Input{example + "-rendered", string(rendered)})
	}
	if len(inputs) == 0 {
		return nil, fmt.Errorf("no example packages under %s", examplesDir)
	}
	for _, seed := range seeds {
		inputs = append(inputs, Input{fmt.Sprintf("workloads-%d", seed), Workloads(seed)})
	}
	return inputs, nil
}

// packageStream is a package's manifest files as one YAML stream, as written: comments
// and formatting included, which the functions must keep.
func packageStream(pkg string) (string, error) {
	files, err := filepath.Glob(filepath.Join(pkg, "*.yaml"))
	if err != nil {
		return "", err
	}
	docs := make([]string, len(files))
	for i, file := range files {
		content, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		docs[i] = strings.TrimSuffix(strings.TrimPrefix(string(content), "---\n"), "\n") + "\n"
	}
	return strings.Join(docs, "---\n"), nil
}

package convergence

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/kio"
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

// packageStream is a package's manifests as one YAML stream, in the order kpt reads them.
func packageStream(pkg string) (string, error) {
	items, err := (&kio.LocalPackageReader{PackagePath: pkg, OmitReaderAnnotations: true}).Read()
	if err != nil {
		return "", err
	}
	docs := make([]string, len(items))
	for i, item := range items {
		docs[i] = item.MustString()
	}
	return strings.Join(docs, "---\n"), nil
}

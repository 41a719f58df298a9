package argocd

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kustomization is what discovery reads of a kustomization: where function configs and
// other kustomizations come from.
type kustomization struct {
	Resources    []string `yaml:"resources"`
	Components   []string `yaml:"components"`
	Bases        []string `yaml:"bases"`
	Transformers []string `yaml:"transformers"`
	Generators   []string `yaml:"generators"`
	Validators   []string `yaml:"validators"`
}

// kustomizationUsesUnbake tells whether the kustomization in dir, or one it reads from a
// local directory (an app's kustomization often only names ../base), holds an unbake
// config: as a transformer, generator or validator, in a file or inline, or as a resource
// of a kustomization that is itself listed as transformers. Remote bases are not fetched:
// an Application whose unbake configs all come from one opts in (optInEnv).
func kustomizationUsesUnbake(dir string, seen map[string]bool) (bool, error) {
	abs, err := filepath.Abs(dir)
	if err != nil || seen[abs] {
		return false, err
	}
	seen[abs] = true
	file := kustomizationFile(dir)
	if file == "" {
		return false, nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return false, err
	}
	var k kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return false, fmt.Errorf("%s: %w", file, err)
	}
	for _, entry := range slices.Concat(k.Transformers, k.Generators, k.Validators, k.Resources, k.Components, k.Bases) {
		uses, err := entryUsesUnbake(dir, entry, seen)
		if uses || err != nil {
			return uses, err
		}
	}
	return false, nil
}

// entryUsesUnbake tells whether an entry of a kustomization in dir holds an unbake config.
func entryUsesUnbake(dir, entry string, seen map[string]bool) (bool, error) {
	// kustomize takes a config written in place of its file name, too.
	if strings.Contains(entry, "\n") {
		return len(unbakeDocuments(entry)) > 0, nil
	}
	path := filepath.Join(dir, entry)
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return kustomizationUsesUnbake(path, seen)
	}
	return holdsUnbakeConfig(path)
}

// Package argocd is unbake's Argo CD config management plugin: `unbake argocd-discover`
// tells Argo CD whether an application uses unbake, and `unbake argocd-generate` renders
// it (plugin.yaml runs both in the repo-server sidecar that kustomization.yaml installs).
package argocd

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// form is how an application directory asks to be rendered.
type form string

const (
	// formKpt: a Kptfile whose pipeline runs unbake functions, rendered in one process as
	// one Pipeline of the mutators' configs (kpt itself is not in the sidecar).
	formKpt form = "kpt"
	// formKustomize: a kustomization, built by kustomize with exec functions enabled.
	formKustomize form = "kustomize"
	// formPipeline: manifests and one Pipeline config, as for `unbake run -f`.
	formPipeline form = "pipeline"
)

// kustomizationFiles are the file names kustomize reads a kustomization from.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// app is an application directory and how it is rendered.
type app struct {
	dir  string
	form form
	// pipelines are the Pipeline configs of formPipeline; rendering takes exactly one.
	pipelines []string
}

// errNoApp: the directory has nothing unbake renders.
var errNoApp = errors.New("nothing for unbake to render: it needs a Kptfile with a pipeline, a kustomization, " +
	"or a Pipeline config (apiVersion " + fnconfigs.APIVersion + ", kind " + fnconfigs.PipelineKind + ")")

// detect finds how dir is rendered. A Kptfile with a pipeline comes first: in a kpt
// package, a kustomization is usually local-config, for kustomize users. Next a
// kustomization, then Pipeline configs among the directory's YAML files.
func detect(dir string) (app, error) {
	kpt, err := hasKptPipeline(dir)
	if err != nil {
		return app{}, err
	}
	if kpt {
		return app{dir: dir, form: formKpt}, nil
	}
	if kustomizationFile(dir) != "" {
		return app{dir: dir, form: formKustomize}, nil
	}
	pipelines, err := pipelineFiles(dir)
	if err != nil {
		return app{}, err
	}
	if len(pipelines) == 0 {
		return app{}, fmt.Errorf("%s: %w", dir, errNoApp)
	}
	return app{dir: dir, form: formPipeline, pipelines: pipelines}, nil
}

// usesUnbake tells whether the app runs an unbake function at all, so that discovery
// claims only unbake's applications: Argo CD asks plugins before its own kustomize.
func (a app) usesUnbake() (bool, error) {
	switch a.form {
	case formKpt:
		return kptfileUsesUnbake(a.dir)
	case formKustomize:
		return kustomizationUsesUnbake(a.dir, map[string]bool{})
	}
	return true, nil
}

// kustomizationFile is the kustomization file in dir, or "".
func kustomizationFile(dir string) string {
	for _, name := range kustomizationFiles {
		if info, err := os.Stat(filepath.Join(dir, name)); err == nil && !info.IsDir() {
			return filepath.Join(dir, name)
		}
	}
	return ""
}

// pipelineFiles are the YAML files directly in dir that hold a Pipeline config.
func pipelineFiles(dir string) ([]string, error) {
	var found []string
	for _, glob := range kio.DefaultMatch {
		paths, err := filepath.Glob(filepath.Join(dir, glob))
		if err != nil {
			return nil, err
		}
		for _, path := range paths {
			configs, err := unbakeConfigs(path)
			if err != nil {
				return nil, err
			}
			for _, config := range configs {
				if config.GetKind() == fnconfigs.PipelineKind {
					found = append(found, filepath.Base(path))
					break
				}
			}
		}
	}
	return found, nil
}

// unbakeConfigs are the unbake function configs in the YAML file at path. A path that is
// not a file (a remote base, a typo) or does not parse holds none: the renderer reports
// it, if it reads it at all.
func unbakeConfigs(path string) ([]*yaml.RNode, error) {
	if info, err := os.Stat(path); err != nil || info.IsDir() {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return unbakeDocuments(string(data)), nil
}

// holdsUnbakeConfig tells whether the file at path holds an unbake function config.
func holdsUnbakeConfig(path string) (bool, error) {
	configs, err := unbakeConfigs(path)
	return len(configs) > 0, err
}

// unbakeDocuments are the unbake function configs in a YAML stream.
func unbakeDocuments(stream string) []*yaml.RNode {
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(stream), OmitReaderAnnotations: true}).Read()
	if err != nil {
		return nil
	}
	var configs []*yaml.RNode
	for _, node := range nodes {
		if node.GetApiVersion() == fnconfigs.APIVersion {
			configs = append(configs, node)
		}
	}
	return configs
}

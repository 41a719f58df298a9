package argocd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kptfile is what rendering reads of a Kptfile.
type kptfile struct {
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Pipeline struct {
		Mutators   []kptFunction `yaml:"mutators"`
		Validators []kptFunction `yaml:"validators"`
	} `yaml:"pipeline"`
}

// kptFunction is a step of a Kptfile pipeline.
type kptFunction struct {
	Image      string            `yaml:"image"`
	Exec       string            `yaml:"exec"`
	ConfigPath string            `yaml:"configPath"`
	ConfigMap  map[string]string `yaml:"configMap"`
	Selectors  []any             `yaml:"selectors"`
	Exclude    []any             `yaml:"exclude"`
}

// readKptfile reads the Kptfile in dir; nil if there is none.
func readKptfile(dir string) (*kptfile, error) {
	data, err := os.ReadFile(filepath.Join(dir, "Kptfile"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var k kptfile
	if err := yaml.Unmarshal(data, &k); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, "Kptfile"), err)
	}
	return &k, nil
}

func hasKptPipeline(dir string) (bool, error) {
	k, err := readKptfile(dir)
	return k != nil && len(k.Pipeline.Mutators)+len(k.Pipeline.Validators) > 0, err
}

// kptfileUsesUnbake tells whether a mutator of the Kptfile in dir has an unbake config.
func kptfileUsesUnbake(dir string) (bool, error) {
	k, err := readKptfile(dir)
	if err != nil || k == nil {
		return false, err
	}
	for _, m := range k.Pipeline.Mutators {
		if m.ConfigPath == "" {
			continue
		}
		if uses, err := holdsUnbakeConfig(filepath.Join(dir, m.ConfigPath)); uses || err != nil {
			return uses, err
		}
	}
	return false, nil
}

// kptfilePipeline is a Pipeline config whose steps are the configs of the Kptfile's
// mutators, in order: what kpt fn render would run, in one process and without kpt. It
// renders only what that covers, and says so for the rest, all problems at once.
func kptfilePipeline(dir string) (*yaml.RNode, error) {
	k, err := readKptfile(dir)
	if err != nil {
		return nil, err
	}
	name := k.Metadata.Name
	if name == "" {
		name = "kptfile"
	}
	pipeline, err := yaml.Parse(fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: %q\nspec:\n  steps: []\n",
		fnconfigs.APIVersion, fnconfigs.PipelineKind, name))
	if err != nil {
		return nil, err
	}
	steps := krm.Get(pipeline, "spec", "steps")
	var errs []error
	if len(k.Pipeline.Validators) > 0 {
		errs = append(errs, errors.New("Kptfile pipeline.validators: unbake runs mutators only; "+
			"run the validators with kpt fn render in CI, or remove them"))
	}
	for i, m := range k.Pipeline.Mutators {
		configs, err := stepConfigs(dir, m)
		if err != nil {
			errs = append(errs, fmt.Errorf("Kptfile pipeline.mutators[%d] (%s): %w", i, m.function(), err))
		}
		for _, config := range configs {
			steps.YNode().Content = append(steps.YNode().Content, config.YNode())
		}
	}
	nested, err := subpackages(dir)
	if err != nil {
		return nil, err
	}
	for _, sub := range nested {
		errs = append(errs, fmt.Errorf("%s: subpackages are rendered by kpt only; render this package with kpt fn render", sub))
	}
	return pipeline, errors.Join(errs...)
}

// stepConfigs are the Pipeline steps of a mutator: its unbake config, or the steps of
// its Pipeline config.
func stepConfigs(dir string, m kptFunction) ([]*yaml.RNode, error) {
	if len(m.Selectors) > 0 || len(m.Exclude) > 0 {
		return nil, errors.New("selectors and exclude are kpt's: pick the targets with the config's spec.selector")
	}
	if m.ConfigPath == "" {
		return nil, errors.New("no configPath: only unbake functions, with their config in a file of the package, render without kpt")
	}
	config, err := yaml.ReadFile(filepath.Join(dir, m.ConfigPath))
	if err != nil {
		return nil, fmt.Errorf("configPath %s: %w", m.ConfigPath, err)
	}
	if config.GetApiVersion() != fnconfigs.APIVersion {
		return nil, fmt.Errorf("configPath %s is a %s %s, not an unbake config: unbake renders Kptfile pipelines "+
			"of unbake functions only; render this package with kpt", m.ConfigPath, config.GetApiVersion(), config.GetKind())
	}
	if config.GetKind() != fnconfigs.PipelineKind {
		return []*yaml.RNode{config}, nil
	}
	steps := krm.Get(config, "spec", "steps")
	if steps == nil {
		return nil, fmt.Errorf("configPath %s: a Pipeline without spec.steps", m.ConfigPath)
	}
	return steps.Elements()
}

// function names the mutator as the Kptfile does.
func (m kptFunction) function() string {
	if m.Exec != "" {
		return "exec: " + m.Exec
	}
	return "image: " + m.Image
}

// subpackages are the Kptfiles below dir, which kpt renders as packages of their own.
func subpackages(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == ".git":
			return filepath.SkipDir
		case !d.IsDir() && d.Name() == "Kptfile" && filepath.Dir(path) != filepath.Clean(dir):
			found = append(found, path)
		}
		return nil
	})
	return found, err
}

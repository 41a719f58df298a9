package argocd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/unbake/unbake/pipeline"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// render writes the application's objects to out, or fails without a word there.
func (a app) render(out, errOut io.Writer) int {
	switch a.form {
	case formKpt:
		return renderKptfile(a.dir, out, errOut)
	case formPipeline:
		if len(a.pipelines) > 1 {
			fmt.Fprintf(errOut, "unbake argocd-generate: %s holds %d Pipeline configs (%s): keep one, or put all steps in one\n",
				a.dir, len(a.pipelines), strings.Join(a.pipelines, ", "))
			return 1
		}
		return pipeline.RunFiles(pipeline.Run, filepath.Join(a.dir, a.pipelines[0]), a.dir, out, errOut)
	}
	return buildKustomization(a.dir, out, errOut)
}

// renderKptfile runs the Kptfile's mutators as one Pipeline on the package's files.
func renderKptfile(dir string, out, errOut io.Writer) int {
	config, err := kptfilePipeline(dir)
	if err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: %s: %v\n", dir, err)
		return 1
	}
	file, err := os.CreateTemp("", "unbake-kptfile-*.yaml")
	if err == nil {
		defer os.Remove(file.Name())
		err = errors.Join(file.Close(), yaml.WriteFile(config, file.Name()))
	}
	if err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: %v\n", err)
		return 1
	}
	return pipeline.RunFiles(pipeline.Run, file.Name(), dir, out, errOut)
}

// buildKustomization runs kustomize build with exec functions, the unbake functions
// first on PATH under their own names (exec: {path: inject-sidecar}) and as the legacy
// plugins of every kind (configs without the function annotation, as for kubectl
// kustomize): the sidecar holds only the unbake binary and kustomize.
func buildKustomization(dir string, out, errOut io.Writer) int {
	tools, err := os.MkdirTemp("", "unbake-tools-")
	if err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: %v\n", err)
		return 1
	}
	defer os.RemoveAll(tools)
	bin, plugins := filepath.Join(tools, "bin"), filepath.Join(tools, "plugins")
	if err := installTools(bin, plugins); err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: %v\n", err)
		return 1
	}
	cmd := exec.Command("kustomize", "build", "--enable-alpha-plugins", "--enable-exec", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"KUSTOMIZE_PLUGIN_HOME="+plugins)
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: kustomize build in %s: %v\n", dir, err)
		return 1
	}
	return 0
}

// installTools links the running unbake binary into bin under its own name and every
// function's, and into plugins as every kind's legacy kustomize plugin.
func installTools(bin, plugins string) error {
	unbake, err := os.Executable()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	names := []string{"unbake"}
	for _, fn := range pipeline.Functions {
		names = append(names, fn.Name)
	}
	for _, name := range names {
		if err := os.Symlink(unbake, filepath.Join(bin, name)); err != nil {
			return err
		}
	}
	return pipeline.InstallPlugins(plugins, unbake)
}

package pipeline

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Plain YAML streams in and out, for the tools that do not speak ResourceList: kustomize's
// legacy exec plugins and Argo CD's config management plugins. The function runs exactly
// as from a ResourceList (krm.Run), so results, stderr and exit status are the same.

// RunLegacyPlugin runs fn as a kustomize legacy exec plugin, the kind kustomize looks up
// under $KUSTOMIZE_PLUGIN_HOME for a config without the config.kubernetes.io/function
// annotation (kubectl kustomize runs only these): the config file is the first argument,
// the resources come on stdin as a YAML stream (none for a generator), and the plugin
// prints a YAML stream. kyaml's function framework reads stdin here only when given "-",
// so its functions cannot be such plugins.
func RunLegacyPlugin(fn krm.Function, args []string, in io.Reader, out, errOut io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintf(errOut, "%s: as a kustomize plugin, the only argument is the config file (got %q)\n", fn.Kind, args)
		return 2
	}
	items, err := (&kio.ByteReader{Reader: in, OmitReaderAnnotations: true}).Read()
	if err != nil {
		fmt.Fprintf(errOut, "%s: reading the resources on stdin: %v\n", fn.Kind, err)
		return 1
	}
	return runOnStream(fn, args[0], items, false, out, errOut)
}

// RunFiles is `unbake run -f CONFIG [DIR]`: the manifests in DIR (every YAML file but
// CONFIG, in subdirectories too) through the function of CONFIG, printed as a YAML stream
// of the objects to apply, without the Kptfile and the local-config items.
func RunFiles(fn krm.Function, configPath, dir string, out, errOut io.Writer) int {
	configInDir := relative(dir, configPath)
	reader := &kio.LocalPackageReader{PackagePath: dir, OmitReaderAnnotations: true,
		FileSkipFunc: func(path string) bool { return filepath.Clean(path) == configInDir }}
	items, err := reader.Read()
	if err != nil {
		fmt.Fprintf(errOut, "%s: reading the manifests in %s: %v\n", fn.Name, dir, err)
		return 1
	}
	return runOnStream(fn, configPath, items, true, out, errOut)
}

// runOnStream runs fn on items with the config in configPath and prints the items as a
// YAML stream, without the reserved ones if onlyObjects. On failure it prints nothing:
// an empty stream would read as "no objects".
func runOnStream(fn krm.Function, configPath string, items []*yaml.RNode, onlyObjects bool, out, errOut io.Writer) int {
	config, err := yaml.ReadFile(configPath)
	if err != nil {
		fmt.Fprintf(errOut, "%s: reading the config: %v\n", fn.Name, err)
		return 1
	}
	var in, list bytes.Buffer
	if err := krm.Write(&in, krm.NewResourceList(items, config)); err != nil {
		fmt.Fprintf(errOut, "%s: %v\n", fn.Name, err)
		return 1
	}
	if code := krm.Run(fn.Process, &in, &list, errOut); code != 0 {
		return code
	}
	rendered, err := krm.Read(&list)
	var written []*yaml.RNode
	if err == nil {
		written, err = rendered.Items()
	}
	if err != nil {
		fmt.Fprintf(errOut, "%s: %v\n", fn.Name, err)
		return 1
	}
	objects := written[:0]
	for _, item := range written {
		if !onlyObjects || !krm.Reserved(item) {
			objects = append(objects, item)
		}
	}
	if err := (kio.ByteWriter{Writer: out}).Write(objects); err != nil {
		fmt.Fprintf(errOut, "%s: writing the objects: %v\n", fn.Name, err)
		return 1
	}
	return 0
}

// relative is path relative to dir, or "" if it cannot be told.
func relative(dir, path string) string {
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(path)
	rel, err3 := filepath.Rel(absDir, absPath)
	if err1 != nil || err2 != nil || err3 != nil {
		return ""
	}
	return rel
}

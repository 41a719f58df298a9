package scriptstoconfigmap

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// packagePathAnnotation is where kpt fn render records the absolute directory of the
// package, on the function config read from configPath and on every item. kpt runs exec
// functions in the directory kpt was started from, so that is not the package.
const packagePathAnnotation = "internal.config.kubernetes.io/package-path"

// file is one entry of the ConfigMap, with its content read and its mode settled.
type file struct {
	key         string
	content     []byte
	mode        int32
	destination string
	// field is the file's path in the config, spec.files[i]; source is that of its
	// content or path field.
	field, source string
}

func (f file) isScript() bool { return bytes.HasPrefix(f.content, []byte("#!")) }

// sourceDir is the directory that files' paths are relative to, and how to name it in
// messages: the package directory kpt records (the shortest one: the package being
// rendered holds its subpackages), else the working directory, which kustomize sets to
// the directory of the kustomization that lists the function.
func sourceDir(rl *krm.ResourceList) (dir, name string, err error) {
	annotated, err := rl.ItemsWith(packagePathAnnotation, func(item *yaml.RNode) bool { return packagePath(item) != "" })
	if err != nil {
		return "", "", err
	}
	for _, n := range append([]*yaml.RNode{rl.FunctionConfig}, annotated...) {
		p := packagePath(n)
		if p != "" && (dir == "" || len(p) < len(dir)) {
			dir = p
		}
	}
	if dir != "" {
		return dir, "the package directory " + dir, nil
	}
	dir, err = os.Getwd()
	return dir, "the working directory (under kustomize, the kustomization's directory)", err
}

func packagePath(n *yaml.RNode) string {
	return n.GetAnnotations(packagePathAnnotation)[packagePathAnnotation]
}

// readFiles reads the config's files and settles their modes. Errors and warnings about
// them are results on the config.
func readFiles(cfg *fnconfigs.ScriptsToConfigMap, rl *krm.ResourceList) ([]file, framework.Results) {
	var root *sourceRoot
	var results framework.Results
	files := make([]file, 0, len(cfg.Spec.Files))
	for i, spec := range cfg.Spec.Files {
		f := file{key: spec.Key, destination: spec.Destination, field: fmt.Sprintf("spec.files[%d]", i)}
		f.source = f.field + ".path"
		if spec.Content != nil {
			f.content = []byte(*spec.Content)
			f.source = f.field + ".content"
		} else {
			if root == nil {
				var err error
				if root, err = openSourceDir(rl); err != nil {
					return nil, append(results, krm.ErrorResult(rl.FunctionConfig, f.source, "%v", err))
				}
				defer root.Close()
			}
			content, err := root.ReadFile(filepath.FromSlash(spec.Path))
			if err != nil {
				results = append(results, krm.ErrorResult(rl.FunctionConfig, f.source,
					"cannot read %s: %v; paths are relative to %s, and may not leave it",
					spec.Path, unwrapPathError(err), root.name))
				continue
			}
			f.content = content
		}
		f.mode = fnconfigs.DefaultFileMode
		if spec.Mode != nil {
			f.mode = *spec.Mode
		} else if f.isScript() {
			f.mode = fnconfigs.DefaultScriptMode
		}
		files = append(files, f)
		results = append(results, checkContent(f, rl.FunctionConfig)...)
	}
	return files, append(results, checkSize(cfg, files, rl.FunctionConfig)...)
}

// sourceRoot is the directory files are read from; reads cannot leave it, by '..' or
// by a symbolic link.
type sourceRoot struct {
	*os.Root
	name string
}

func openSourceDir(rl *krm.ResourceList) (*sourceRoot, error) {
	dir, name, err := sourceDir(rl)
	if err != nil {
		return nil, fmt.Errorf("cannot tell the directory that paths are relative to: %w", err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open %s, which paths are relative to: %w", name, unwrapPathError(err))
	}
	return &sourceRoot{Root: root, name: name}, nil
}

// unwrapPathError drops the path that os repeats in its errors, which the message
// already names.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// checkContent warns about scripts that cannot run as written.
func checkContent(f file, config *yaml.RNode) framework.Results {
	var results framework.Results
	if f.isScript() && bytes.Contains(f.content, []byte("\r\n")) {
		results = append(results, krm.WarningResult(config, f.source,
			"%s has CRLF line endings: the kernel reads the #! line up to the newline, so the interpreter's name ends in a carriage return and exec fails with 'no such file or directory'; save the file with LF line endings",
			f.key))
	}
	if f.mode&0o111 != 0 && !f.isScript() && utf8.Valid(f.content) {
		results = append(results, krm.WarningResult(config, f.field+".mode",
			"%s is executable (mode %#o) but has no #! line, so running it fails with 'exec format error': start it with #!/bin/sh (or its interpreter), or set mode: 0644",
			f.key, f.mode))
	}
	return results
}

// checkSize holds the files to what the API server and kubectl accept.
func checkSize(cfg *fnconfigs.ScriptsToConfigMap, files []file, config *yaml.RNode) framework.Results {
	total := 0
	for _, f := range files {
		total += len(f.content)
	}
	switch {
	case total > corev1.MaxSecretSize:
		return framework.Results{krm.ErrorResult(config, "spec.files",
			"the files hold %d bytes, over the 1 MiB (%d bytes) the API server accepts in one %s: split them into several configs, or put large files in a volume or image",
			total, corev1.MaxSecretSize, cfg.GeneratedKind())}
	case total > apivalidation.TotalAnnotationSizeLimitB:
		return framework.Results{krm.WarningResult(config, "spec.files",
			"the files hold %d bytes, over 256 KiB: client-side kubectl apply copies the whole %s into its last-applied-configuration annotation, which may not exceed 256 KiB, and fails; apply with kubectl apply --server-side, or split the files",
			total, cfg.GeneratedKind())}
	}
	return nil
}

// Command unbake runs any unbake function from one binary: `unbake inject-sidecar` is
// `inject-sidecar`, `unbake run` runs a Pipeline, and `unbake` alone runs the function
// of the functionConfig's kind.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/pipeline"
	"github.com/unbake/unbake/pipeline/argocd"
	"github.com/unbake/unbake/version"
)

func main() { os.Exit(run(os.Args)) }

func run(args []string) int {
	// Installed under a function's name (a link to unbake), it is that function; under a
	// config kind, that kind's legacy kustomize plugin (see install-plugins).
	self := filepath.Base(args[0])
	if fn, ok := pipeline.Named(self); ok && fn.Name == self {
		return krm.Main(fn, args[1:])
	}
	if fn, ok := pipeline.ForKind(self); ok {
		return pipeline.RunLegacyPlugin(fn, args[1:], os.Stdin, os.Stdout, os.Stderr)
	}
	if len(args) < 2 {
		// Containers and tools give the multi-call image or binary no arguments.
		if stdinIsData() {
			return krm.Run(pipeline.ByKind, os.Stdin, os.Stdout, os.Stderr)
		}
		usage(os.Stdout)
		return 0
	}
	switch args[1] {
	case "-h", "--help", "help":
		usage(os.Stdout)
		return 0
	case "--version", "-version", "version":
		fmt.Fprintln(os.Stdout, version.Get().String("unbake"))
		return 0
	case "run":
		return runPipeline(args[2:])
	case "install-plugins":
		return installPlugins(args[2:])
	case "convert":
		return convert(args[2:])
	case "argocd-discover", "argocd-generate":
		return argocd.Main(args[1], args[2:], os.Stdout, os.Stderr)
	}
	fn, ok := pipeline.Named(args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, "unbake: no function %q\n\n", args[1])
		usage(os.Stderr)
		return 2
	}
	return krm.Main(fn, args[2:])
}

// runPipeline is `unbake run` (a ResourceList on stdin) or `unbake run -f CONFIG [DIR]`.
func runPipeline(args []string) int {
	if len(args) == 0 || args[0] != "-f" {
		return krm.Main(pipeline.Run, args)
	}
	switch len(args) {
	case 2:
		return pipeline.RunFiles(pipeline.Run, args[1], ".", os.Stdout, os.Stderr)
	case 3:
		return pipeline.RunFiles(pipeline.Run, args[1], args[2], os.Stdout, os.Stderr)
	}
	fmt.Fprintln(os.Stderr, "unbake run: usage: unbake run -f PIPELINE.yaml [DIR]")
	return 2
}

// installPlugins is `unbake install-plugins DIR`.
func installPlugins(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "unbake install-plugins: usage: unbake install-plugins DIR (e.g. ~/.config/kustomize/plugin)")
		return 2
	}
	self, err := os.Executable()
	if err == nil {
		err = pipeline.InstallPlugins(args[0], self)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "unbake install-plugins: %v\n", err)
		return 1
	}
	return 0
}

// convert is `unbake convert`: it runs unbake-convert, found beside this executable or
// on PATH, as git runs its subcommands. BuildKit's Dockerfile parser lives in that binary
// only, so the functions' binaries and images do not carry it.
func convert(args []string) int {
	program := ""
	if self, err := os.Executable(); err == nil {
		if beside := filepath.Join(filepath.Dir(self), "unbake-convert"); isFile(beside) {
			program = beside
		}
	}
	if program == "" {
		found, err := exec.LookPath("unbake-convert")
		if err != nil {
			fmt.Fprintln(os.Stderr, "unbake convert: unbake-convert is neither beside unbake nor on PATH: `make build` writes it to bin/")
			return 1
		}
		program = found
	}
	cmd := exec.Command(program, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit) && exit.ExitCode() > 0:
		return exit.ExitCode()
	}
	fmt.Fprintf(os.Stderr, "unbake convert: %v\n", err)
	return 1
}

func isFile(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().IsRegular()
}

// stdinIsData tells a pipe or file on stdin from a terminal or /dev/null.
func stdinIsData() bool {
	info, err := os.Stdin.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice == 0
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "unbake: KRM functions that replace derived Dockerfiles with Kubernetes features.")
	fmt.Fprintln(w, "\nUsage:")
	fmt.Fprintln(w, "  unbake FUNCTION < resource-list.yaml   run one function (FUNCTION --help for its config)")
	fmt.Fprintln(w, "  unbake run < resource-list.yaml        run a Pipeline's steps in one process (run --help)")
	fmt.Fprintln(w, "  unbake run -f PIPELINE.yaml [DIR]      the same on the manifests in DIR, as a YAML stream")
	fmt.Fprintln(w, "  unbake < resource-list.yaml            run the function of the functionConfig's kind")
	fmt.Fprintln(w, "  unbake --version                       print the version, commit, Go version and platform")
	fmt.Fprintln(w, "  unbake install-plugins DIR             link unbake as kustomize's legacy plugin of every kind")
	fmt.Fprintln(w, "  unbake convert [-f Dockerfile] ...     turn a derived Dockerfile into a package (convert --help)")
	fmt.Fprintln(w, "  unbake argocd-discover                 Argo CD plugin: print how . renders, if it uses unbake")
	fmt.Fprintln(w, "  unbake argocd-generate                 Argo CD plugin: render . as a YAML stream (pipeline/argocd)")
	fmt.Fprintln(w, "\nFunctions:")
	for _, fn := range slices.Concat(pipeline.Functions, []krm.Function{pipeline.Run}) {
		fmt.Fprintf(w, "  %-22s %-20s %s\n", fn.Name, fn.Kind, fn.Summary)
	}
}

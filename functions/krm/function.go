package krm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/catalog"
	"github.com/unbake/unbake/version"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
)

// Function is one unbake function: its names, its help, and what it does to a ResourceList.
type Function struct {
	// Name is the binary and image name, e.g. inject-sidecar.
	Name string
	// Kind is the functionConfig kind it takes, e.g. InjectSidecar.
	Kind string
	// Summary is one line for listings.
	Summary string
	// Help documents the config: every field and a full example.
	Help string
	// Process changes rl in place and reports results; it returns an error only for
	// problems that are not results.
	Process func(rl *ResourceList) error
}

// New makes a Function whose config of kind is decoded into a fresh newConfig() before
// transform runs, so a transform only ever sees a defaulted, valid config. docs holds the
// function's README.md, its help, and its kpt catalog metadata.yaml, whose description is
// its summary (embedded from the function's folder: `//go:embed README.md metadata.yaml`).
func New[C fnconfigs.Config](name, kind string, docs fs.FS, newConfig func() C,
	transform func(cfg C, rl *ResourceList) error) Function {
	help, err := fs.ReadFile(docs, "README.md")
	if err != nil {
		panic(err) // every test of the function reports it
	}
	metadata, err := fs.ReadFile(docs, "metadata.yaml")
	if err != nil {
		panic(err)
	}
	return Function{Name: name, Kind: kind, Summary: catalog.Description(metadata), Help: string(help),
		Process: func(rl *ResourceList) error {
			cfg := newConfig()
			if errs := fnconfigs.Decode(rl.FunctionConfig, kind, cfg); len(errs) > 0 {
				rl.Results = append(rl.Results, FieldErrors(rl.FunctionConfig, errs)...)
				return nil
			}
			earlier := len(rl.Results) // in a pipeline, earlier steps' results are not ours
			if err := transform(cfg, rl); err != nil {
				return err
			}
			if cfg.IsStrict() {
				strict(rl.Results[earlier:])
			}
			return nil
		}}
}

// Main runs fn as a program and returns its exit status.
func Main(fn Function, args []string) int {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "help" {
			fmt.Fprint(os.Stdout, fn.Help)
			return 0
		}
		if version.IsFlag(a) {
			fmt.Fprintln(os.Stdout, version.Get().String(fn.Name))
			return 0
		}
	}
	if len(args) > 0 {
		fmt.Fprintf(os.Stderr, "%s: unexpected argument %q: the function reads a ResourceList on stdin (see --help)\n", fn.Name, args[0])
		return 2
	}
	return Run(fn.Process, os.Stdin, os.Stdout, os.Stderr)
}

// Run reads a ResourceList from in, processes it and writes it to out. When any error
// result exists it writes the results alone (no items, so no tool can apply a partial
// list), prints them on errOut, and returns 1.
func Run(process func(*ResourceList) error, in io.Reader, out, errOut io.Writer) int {
	rl, err := Read(in)
	if err != nil {
		return failRead(err, out, errOut)
	}
	err = process(rl)
	if input := (*inputError)(nil); errors.As(err, &input) {
		return failRead(input, out, errOut)
	}
	if err := rl.checkRest(); err != nil {
		return failRead(err, out, errOut)
	}
	if err != nil {
		rl.Results = append(rl.Results, asResults(err, rl.FunctionConfig)...)
	}
	// Warnings and errors also go to stderr: kustomize shows a function's stderr, not its
	// results. Buffered: a warning per item of a large list is one write, not thousands.
	stderr := bufio.NewWriter(errOut)
	for _, r := range rl.Results {
		if r.Severity != framework.Info {
			fmt.Fprintln(stderr, formatResult(r))
		}
	}
	if err := stderr.Flush(); err != nil {
		return failRead(err, out, errOut)
	}
	if HasErrors(rl.Results) {
		_ = Write(out, &ResourceList{FunctionConfig: rl.FunctionConfig, Results: rl.Results})
		return 1
	}
	if err := Write(out, rl); err != nil {
		fmt.Fprintf(errOut, "error: %v\n", err)
		return 1
	}
	return 0
}

// failRead reports input that cannot be read: an error result alone.
func failRead(err error, out, errOut io.Writer) int {
	fmt.Fprintf(errOut, "error: %v\n", err)
	_ = Write(out, &ResourceList{Results: asResults(err, nil)})
	return 1
}

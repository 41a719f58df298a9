// Command unbake runs any unbake function from one binary: `unbake inject-sidecar` is
// `inject-sidecar`.
package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/pipeline"
)

func main() { os.Exit(run(os.Args)) }

func run(args []string) int {
	// Installed under a function's name (a link to unbake), it is that function.
	if fn, ok := pipeline.Lookup(filepath.Base(args[0])); ok {
		return krm.Main(fn, args[1:])
	}
	if len(args) < 2 || args[1] == "-h" || args[1] == "--help" || args[1] == "help" {
		usage(os.Stdout)
		return 0
	}
	fn, ok := pipeline.Lookup(args[1])
	if !ok {
		fmt.Fprintf(os.Stderr, "unbake: no function %q\n\n", args[1])
		usage(os.Stderr)
		return 2
	}
	return krm.Main(fn, args[2:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "unbake: KRM functions that replace derived Dockerfiles with Kubernetes features.")
	fmt.Fprintln(w, "\nUsage: unbake FUNCTION < resource-list.yaml   (FUNCTION --help for its config)")
	fmt.Fprintln(w, "\nFunctions:")
	for _, fn := range pipeline.Functions {
		fmt.Fprintf(w, "  %-22s %-20s %s\n", fn.Name, fn.Kind, fn.Summary)
	}
}

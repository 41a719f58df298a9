// Command profile runs a function on a ResourceList with a CPU profile, to see what
// dominates its time. Without -in, the list is the benchmarks' generated list of -n items
// with the function's benchmark config.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/pipeline"
	"github.com/unbake/unbake/tests/bench/configs"
	"github.com/unbake/unbake/tests/bench/gen"
)

func main() {
	fnName := flag.String("fn", "inject-sidecar", "function to run (run: the Pipeline of every step)")
	in := flag.String("in", "", "ResourceList file (default: a generated list)")
	n := flag.Int("n", 10000, "items of the generated list")
	out := flag.String("cpuprofile", "cpu.pprof", "profile file")
	heap := flag.String("memprofile", "", "allocation profile file (empty: none)")
	flag.Parse()
	fn, ok := pipeline.Named(*fnName)
	if *fnName == pipeline.Run.Name {
		fn, ok = pipeline.Run, true
	}
	if !ok {
		fmt.Fprintln(os.Stderr, "no function", *fnName)
		os.Exit(2)
	}
	list, err := input(*in, *n, fn.Name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	prof, err := os.Create(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(prof); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := krm.Run(fn.Process, list, io.Discard, os.Stderr)
	pprof.StopCPUProfile()
	if *heap != "" {
		if err := writeHeap(*heap); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(code)
}

func input(path string, n int, fn string) (io.Reader, error) {
	if path != "" {
		return os.Open(path)
	}
	config := configs.Pipeline()
	if fn != pipeline.Run.Name {
		config = configs.For(fn)
	}
	return bytes.NewReader(gen.List(n, config)), nil
}

// writeHeap writes the heap profile: what the run allocated, by place (alloc_space).
func writeHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}

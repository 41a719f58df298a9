// Command profile runs a function on a ResourceList file with a CPU profile, to see what
// dominates its time.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/pipeline"
)

func main() {
	fnName := flag.String("fn", "inject-sidecar", "function to run")
	in := flag.String("in", "", "ResourceList file")
	out := flag.String("cpuprofile", "cpu.pprof", "profile file")
	flag.Parse()
	fn, ok := pipeline.Lookup(*fnName)
	if !ok {
		fmt.Fprintln(os.Stderr, "no function", *fnName)
		os.Exit(2)
	}
	f, err := os.Open(*in)
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
	code := krm.Run(fn.Process, f, io.Discard, os.Stderr)
	pprof.StopCPUProfile()
	os.Exit(code)
}

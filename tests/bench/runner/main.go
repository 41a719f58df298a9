// Command runner times every unbake function against a no-op KRM function written with
// kyaml's framework, on the same generated lists, and prints the medians of wall time
// and peak RSS with their ratios and the goals of issue #10. It builds nothing: give it
// the directory of the function binaries and the no-op's path (make bench does).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() { os.Exit(run()) }

func run() int {
	bin := flag.String("bin", "bin", "directory of the function binaries and unbake")
	noop := flag.String("noop", "bin/bench/noop", "the no-op kyaml function (tests/bench/noop)")
	kpt := flag.String("kpt", "/usr/bin/kpt", "kpt, for the comparison with kpt fn render (skipped if missing)")
	rounds := flag.Int("rounds", 5, "runs of each program per measurement; the median counts")
	startupRounds := flag.Int("startup-rounds", 21, "runs of each program on the empty list")
	sizes := flag.String("sizes", "100,1000,10000", "list sizes, ascending; the goals apply to the largest")
	kptItems := flag.Int("kpt-items", 1000, "list size of the comparison with kpt")
	check := flag.Bool("check", false, "exit 1 when a goal is not met")
	flag.Parse()
	b := &bench{bin: absolute(*bin), noop: absolute(*noop), kpt: *kpt, rounds: *rounds,
		startupRounds: *startupRounds, kptItems: *kptItems}
	var err error
	if b.sizes, err = parseSizes(*sizes); err != nil {
		return fail(err)
	}
	if b.work, err = os.MkdirTemp("", "unbake-bench-"); err != nil {
		return fail(err)
	}
	defer os.RemoveAll(b.work)
	if err := b.run(); err != nil {
		return fail(err)
	}
	fmt.Printf("\nthe runner's own peak RSS, a floor under every RSS figure: %s MB\n", mb(ownPeakRSSKB()))
	fmt.Printf("goals met: %d of %d\n", b.met, len(b.goals))
	for _, g := range b.goals {
		if !g.ok {
			fmt.Println("  not met:", g.name)
		}
	}
	if *check && b.met < len(b.goals) {
		return 1
	}
	return 0
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || len(sizes) > 0 && n <= sizes[len(sizes)-1] {
			return nil, fmt.Errorf("-sizes %q: expected ascending positive numbers", s)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}

// absolute makes a path independent of the directory a command runs in.
func absolute(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

func fail(err error) int {
	fmt.Fprintln(os.Stderr, "bench:", err)
	return 1
}

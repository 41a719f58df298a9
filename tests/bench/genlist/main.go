// Command genlist writes a deterministic ResourceList for benchmarks (see package gen).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/unbake/unbake/tests/bench/gen"
)

func main() {
	n := flag.Int("n", 1000, "number of items")
	config := flag.String("config", "", "functionConfig file to embed")
	flag.Parse()
	var functionConfig []byte
	if *config != "" {
		var err error
		if functionConfig, err = os.ReadFile(*config); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := gen.WriteList(os.Stdout, *n, functionConfig); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

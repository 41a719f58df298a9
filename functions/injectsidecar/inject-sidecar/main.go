// Command inject-sidecar is the inject-sidecar KRM function.
package main

import (
	"os"

	"github.com/unbake/unbake/functions/injectsidecar"
	"github.com/unbake/unbake/functions/krm"
)

func main() { os.Exit(krm.Main(injectsidecar.Function, os.Args[1:])) }

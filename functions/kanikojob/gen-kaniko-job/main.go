// Command gen-kaniko-job is the gen-kaniko-job KRM function.
package main

import (
	"os"

	"github.com/unbake/unbake/functions/kanikojob"
	"github.com/unbake/unbake/functions/krm"
)

func main() { os.Exit(krm.Main(kanikojob.Function, os.Args[1:])) }

// Command set-runas is the set-runas KRM function.
package main

import (
	"os"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/setrunas"
)

func main() { os.Exit(krm.Main(setrunas.Function, os.Args[1:])) }

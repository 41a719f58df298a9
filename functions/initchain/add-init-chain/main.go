// Command add-init-chain is the add-init-chain KRM function.
package main

import (
	"os"

	"github.com/unbake/unbake/functions/initchain"
	"github.com/unbake/unbake/functions/krm"
)

func main() { os.Exit(krm.Main(initchain.Function, os.Args[1:])) }

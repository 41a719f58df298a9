// Command gen-prepull-daemonset is the gen-prepull-daemonset KRM function.
package main

import (
	"os"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/prepulldaemonset"
)

func main() { os.Exit(krm.Main(prepulldaemonset.Function, os.Args[1:])) }

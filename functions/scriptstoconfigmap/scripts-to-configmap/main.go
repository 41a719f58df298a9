// Command scripts-to-configmap is the scripts-to-configmap KRM function.
package main

import (
	"os"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/scriptstoconfigmap"
)

func main() { os.Exit(krm.Main(scriptstoconfigmap.Function, os.Args[1:])) }

// Command unbake-convert is `unbake convert`: it turns a derived Dockerfile into the
// unbake package that replaces it. It is a binary of its own so that BuildKit's parser
// stays out of the function binaries and images; `unbake convert` runs it.
package main

import (
	"os"

	"github.com/unbake/unbake/convert"
)

func main() { os.Exit(convert.Main(os.Args[1:], os.Stdout, os.Stderr)) }

// Package configs holds the benchmarks' functionConfigs: one per function, each acting on
// every Deployment of the generated lists (the most work a list gives it), the Pipeline
// running all six, and for the functions whose selector must match something, the same
// config with allowNoMatch: true for the start-up run on an empty list.
package configs

import (
	"embed"
	"fmt"
)

//go:embed *.yaml empty-list/*.yaml
var files embed.FS

// Functions are the benchmarked functions, by binary name, in the Pipeline's order.
var Functions = []string{"inject-sidecar", "scripts-to-configmap", "add-init-chain",
	"set-runas", "gen-kaniko-job", "gen-prepull-daemonset"}

// For returns the config of the function named fn.
func For(fn string) []byte { return mustRead(fn + ".yaml") }

// Pipeline returns the Pipeline of every function's config, in order.
func Pipeline() []byte { return mustRead("pipeline.yaml") }

// ForEmptyList returns the config of fn that succeeds on a list without items.
func ForEmptyList(fn string) []byte {
	if data, err := files.ReadFile("empty-list/" + fn + ".yaml"); err == nil {
		return data
	}
	return For(fn)
}

func mustRead(name string) []byte {
	data, err := files.ReadFile(name)
	if err != nil {
		panic(fmt.Sprintf("no benchmark config %s", name))
	}
	return data
}

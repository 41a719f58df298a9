// Command argocd-cmp-server is Argo CD's config management plugin server, built from the
// module proxy at the version in ../../go.mod: the program the repo-server sidecar runs.
package main

import (
	"os"

	"github.com/argoproj/argo-cd/v3/cmd/argocd-cmp-server/commands"
)

func main() {
	if err := commands.NewCommand().Execute(); err != nil {
		os.Exit(1)
	}
}

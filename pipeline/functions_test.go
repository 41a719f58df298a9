package pipeline

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm"
)

func TestEveryFunctionIsListedWithHelp(t *testing.T) {
	dirs, err := filepath.Glob("../functions/*/*/main.go")
	require.NoError(t, err)
	require.Len(t, Functions, len(dirs), "every function's main package is in pipeline.Functions")
	for _, fn := range Functions {
		byName, ok := Named(fn.Name)
		require.True(t, ok)
		require.Equal(t, fn.Kind, byName.Kind)
		byKind, ok := Named(fn.Kind)
		require.True(t, ok)
		require.Equal(t, fn.Name, byKind.Name)
		require.Contains(t, fn.Help, "kind: "+fn.Kind, "the help of %s has an example config", fn.Name)
		mains, err := filepath.Glob(filepath.Join("..", "functions", "*", fn.Name, "main.go"))
		require.NoError(t, err)
		require.Len(t, mains, 1, "the binary %s is built from functions/<package>/%s/main.go", fn.Name, fn.Name)
	}
}

// The multi-call binary and a function's own binary run the same code path.
func TestFunctionsRunThroughKrm(t *testing.T) {
	fn, ok := Named("inject-sidecar")
	require.True(t, ok)
	var out, stderr bytes.Buffer
	code := krm.Run(fn.Process, strings.NewReader("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n"), &out, &stderr)
	require.Equal(t, 1, code, "a missing functionConfig is an error")
	require.Contains(t, stderr.String(), "functionConfig: Required value")
}

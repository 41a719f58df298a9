package pipeline

import (
	"bytes"
	"encoding/json"
	"os"
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
		mains, err := filepath.Glob(filepath.Join("..", "functions", "*", fn.Name, "main.go"))
		require.NoError(t, err)
		require.Len(t, mains, 1, "the binary %s is built from functions/<package>/%s/main.go", fn.Name, fn.Name)
		requireHelpIsReadme(t, fn, filepath.Join(filepath.Dir(filepath.Dir(mains[0])), "README.md"))
	}
	requireHelpIsReadme(t, Run, "README.md")
}

// requireHelpIsReadme checks that --help prints the README, and that the README has an
// example config and names every field of the kind's spec.
func requireHelpIsReadme(t *testing.T, fn krm.Function, readme string) {
	t.Helper()
	text, err := os.ReadFile(readme)
	require.NoError(t, err)
	require.Equal(t, string(text), fn.Help, "%s --help prints %s", fn.Name, readme)
	require.Contains(t, fn.Help, "kind: "+fn.Kind, "the help of %s has an example config", fn.Name)
	data, err := os.ReadFile(filepath.Join("..", "fnconfigs", "schemas", strings.ToLower(fn.Kind)+".json"))
	require.NoError(t, err)
	var schema struct {
		Properties struct {
			Spec struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"spec"`
		} `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(data, &schema))
	require.NotEmpty(t, schema.Properties.Spec.Properties)
	for field := range schema.Properties.Spec.Properties {
		require.Contains(t, fn.Help, "`spec."+field+"`", "the help of %s names the field", fn.Name)
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

//go:build e2e

package convergence

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kptOrders is the number of random orders of all six steps rendered through kpt: each
// render costs kpt about a tenth of a second per step.
const kptOrders = 6

// Rendering a package in place with the real kpt, then rendering it again, changes no file
// and creates none, for each function alone, every ordered pair and random orders of all
// six, on a package of every workload kind. kpt and the functions come from `make e2e`
// (KPT, UNBAKE_BIN).
func TestKptRenderTwiceInPlace(t *testing.T) {
	kpt, bin := os.Getenv("KPT"), os.Getenv("UNBAKE_BIN")
	require.True(t, kpt != "" && bin != "", "run with make e2e: it sets KPT and UNBAKE_BIN")
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	steps, err := Steps()
	require.NoError(t, err)
	pkg := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(pkg, "workloads.yaml"), []byte(Workloads(*seed)), 0o644))
	for _, s := range steps {
		require.NoError(t, os.WriteFile(filepath.Join(pkg, s.File), s.Config, 0o644))
	}
	var tally Tally
	compositions := Compositions(steps, kptOrders, *seed)
	for _, c := range compositions {
		dir := filepath.Join(t.TempDir(), "package")
		require.NoError(t, os.CopyFS(dir, os.DirFS(pkg)))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "Kptfile"), c.Kptfile("composition"), 0o644))
		render := func(string) Render { return kptRender(t, kpt, dir) }
		if !Check(t, c, "", render, &tally) {
			break
		}
	}
	t.Logf("%d compositions through kpt: %s", len(compositions), tally)
	require.NotZero(t, tally.Converged)
}

// kptRender runs kpt fn render in dir, in place, and returns the package's files.
func kptRender(t *testing.T, kpt, dir string) Render {
	t.Helper()
	results := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kpt, "fn", "render", "--allow-exec", "--results-dir", results)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	require.NoError(t, ctx.Err(), "kpt fn render timed out")
	files, walkErr := Files(dir)
	require.NoError(t, walkErr)
	return Render{Failed: err != nil, Stream: files, Results: kptResults(t, filepath.Join(results, "results.yaml"))}
}

// kptResults gathers the results of every function in kpt's results file.
func kptResults(t *testing.T, path string) *yaml.RNode {
	t.Helper()
	all := yaml.NewListRNode()
	list, err := yaml.ReadFile(path)
	if err != nil {
		return all
	}
	items, err := list.Pipe(yaml.Lookup("items"))
	require.NoError(t, err)
	if items == nil {
		return all
	}
	for _, item := range items.Content() {
		if results := yaml.NewRNode(item).Field("results"); results != nil {
			all.YNode().Content = append(all.YNode().Content, results.Value.Content()...)
		}
	}
	return all
}

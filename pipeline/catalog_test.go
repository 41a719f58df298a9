package pipeline

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/catalog"
)

const repoURL = "https://github.com/unbake/unbake"

// TestCatalogMetadata checks each function's metadata.yaml, its entry in the kpt functions
// catalog's format, against the function and the repository.
func TestCatalogMetadata(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "functions", "*", "metadata.yaml"))
	require.NoError(t, err)
	require.Len(t, files, len(Functions), "every function, and nothing else, has a metadata.yaml")
	license, err := os.ReadFile(filepath.Join("..", "LICENSE"))
	require.NoError(t, err)
	require.Contains(t, string(license), "Apache License\n                           Version 2.0, January 2004")
	for _, fn := range Functions {
		mains, err := filepath.Glob(filepath.Join("..", "functions", "*", fn.Name, "main.go"))
		require.NoError(t, err)
		require.Len(t, mains, 1)
		dir := filepath.Dir(filepath.Dir(mains[0]))
		data, err := os.ReadFile(filepath.Join(dir, "metadata.yaml"))
		require.NoError(t, err, "%s has a metadata.yaml", dir)
		m, err := catalog.Parse(data)
		require.NoError(t, err, dir)
		require.Equal(t, "ghcr.io/unbake/"+fn.Name, m.Image, "%s: the image is named as the binary", dir)
		require.Equal(t, fn.Summary, m.Description, "%s: the summary is the description", dir)
		require.Equal(t, repoURL+"/tree/main/functions/"+filepath.Base(dir), m.SourceURL, dir)
		require.Equal(t, "Apache-2.0", m.License, dir)
		var examples []string
		for _, u := range m.ExamplePackageURLs {
			path, ok := strings.CutPrefix(u, repoURL+"/tree/main/")
			require.True(t, ok, "%s: %s is in %s/tree/main/", dir, u, repoURL)
			info, err := os.Stat(filepath.Join("..", filepath.FromSlash(path)))
			require.NoError(t, err, "%s: %s exists", dir, u)
			require.True(t, info.IsDir(), "%s: %s is a directory", dir, u)
			examples = append(examples, path)
		}
		require.Equal(t, examplesUsing(t, fn.Kind), examples, "%s: examplePackageURLs lists the examples that use %s, sorted", dir, fn.Kind)
	}
}

// examplesUsing returns examples/<name> of every example with a config of kind, sorted.
func examplesUsing(t *testing.T, kind string) []string {
	t.Helper()
	config := regexp.MustCompile(`(?m)^\s*(- )?kind: ` + kind + `\s*$`)
	dirs, err := filepath.Glob(filepath.Join("..", "examples", "*"))
	require.NoError(t, err)
	var using []string
	for _, dir := range dirs {
		found := false
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || found || filepath.Ext(path) != ".yaml" {
				return err
			}
			data, err := os.ReadFile(path)
			found = config.Match(data)
			return err
		})
		require.NoError(t, err)
		if found {
			using = append(using, "examples/"+filepath.Base(dir))
		}
	}
	slices.Sort(using)
	return using
}

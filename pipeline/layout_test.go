package pipeline

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeLayoutMatchesTree: every folder the README's Layout section names exists,
// and every top-level folder and every folder of functions/ is named there.
func TestReadmeLayoutMatchesTree(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	_, section, ok := strings.Cut(string(readme), "\n## Layout\n")
	require.True(t, ok, "README.md has a Layout section")
	_, block, _ := strings.Cut(section, "```\n")
	block, _, _ = strings.Cut(block, "```")
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z.]+/(?:[a-z<>/]+/)?)`).FindAllStringSubmatch(block, -1) {
		named[m[1]] = true
	}
	require.NotEmpty(t, named)
	for dir := range named {
		matches, err := filepath.Glob(filepath.Join("..", strings.ReplaceAll(dir, "<name>", "*")))
		require.NoError(t, err)
		require.NotEmpty(t, matches, "README layout names %s, which is not in the tree", dir)
	}
	top, err := filepath.Glob(filepath.Join("..", "*", ""))
	require.NoError(t, err)
	for _, path := range top {
		if info, err := os.Stat(path); err == nil && info.IsDir() && !strings.HasPrefix(filepath.Base(path), ".") && filepath.Base(path) != "bin" {
			require.True(t, named[filepath.Base(path)+"/"] || hasPrefix(named, filepath.Base(path)+"/"),
				"README layout does not name the folder %s/", filepath.Base(path))
		}
	}
	functions, err := os.ReadDir(filepath.Join("..", "functions"))
	require.NoError(t, err)
	for _, d := range functions {
		if _, err := os.Stat(filepath.Join("..", "functions", d.Name(), "metadata.yaml")); err == nil {
			continue // a function: functions/<name>/
		}
		if d.IsDir() {
			require.True(t, named["functions/"+d.Name()+"/"], "README layout does not name functions/%s/", d.Name())
		}
	}
}

func hasPrefix(named map[string]bool, prefix string) bool {
	for dir := range named {
		if strings.HasPrefix(dir, prefix) {
			return true
		}
	}
	return false
}

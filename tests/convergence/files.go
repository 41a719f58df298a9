package convergence

import (
	"os"
	"path/filepath"
	"strings"
)

// Files is every file under dir with its content, in path order: what a second render
// in place must leave as it is.
func Files(dir string) (string, error) {
	var b strings.Builder
	// WalkDir visits in lexical order.
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		b.WriteString("=== " + rel + "\n")
		b.Write(content)
		return nil
	})
	return b.String(), err
}

package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
)

// PluginPath is where kustomize looks up the legacy exec plugin of a config kind under
// its plugin home: <home>/<group>/<version>/<kind lowercased>/<Kind>.
func PluginPath(home, kind string) string {
	return filepath.Join(home, filepath.FromSlash(fnconfigs.APIVersion), strings.ToLower(kind), kind)
}

// InstallPlugins links the multi-call binary at unbake as the legacy kustomize plugin of
// every kind, a Pipeline included, under the plugin home; a link's name tells unbake
// which kind it runs. Links that are there already are replaced.
func InstallPlugins(home, unbake string) error {
	for _, kind := range Kinds() {
		path := PluginPath(home, kind)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
			return err
		}
		if err := os.Symlink(unbake, path); err != nil {
			return fmt.Errorf("linking the %s plugin: %w", kind, err)
		}
	}
	return nil
}

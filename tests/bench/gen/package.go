package gen

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Step is one mutator of a kpt package's pipeline: an exec function and its config.
type Step struct {
	// Exec is the function's executable, an absolute path.
	Exec string
	// Config is the functionConfig, written next to the Kptfile as <executable name>.yaml.
	Config []byte
}

// Package writes the n items of List into dir as a kpt package: one multi-document
// resources.yaml, the steps' configs, and a Kptfile running the steps in order.
func Package(dir string, n int, steps []Step) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var kptfile strings.Builder
	kptfile.WriteString(`apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: bench
  annotations:
    config.kubernetes.io/local-config: "true"
pipeline:
  mutators:
`)
	for _, step := range steps {
		configPath := filepath.Base(step.Exec) + ".yaml"
		if err := os.WriteFile(filepath.Join(dir, configPath), step.Config, 0o644); err != nil {
			return err
		}
		fmt.Fprintf(&kptfile, "    - exec: %s\n      configPath: %s\n", step.Exec, configPath)
	}
	if err := os.WriteFile(filepath.Join(dir, "Kptfile"), []byte(kptfile.String()), 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "resources.yaml"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	writeItems(w, n, "---\n", "")
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

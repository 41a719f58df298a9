package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// kptRendered checks that kpt ran every step: it reports their success on stderr.
func kptRendered(steps int) func(*capture) error {
	return func(out *capture) error {
		want := fmt.Sprintf("Successfully executed %d function(s)", steps)
		if !bytes.Contains(out.stderr.tail, []byte(want)) {
			return fmt.Errorf("kpt did not report %q", want)
		}
		return nil
	}
}

// copyPackage replaces dst with a copy of the flat package directory src, since kpt fn
// render writes the package in place.
func copyPackage(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

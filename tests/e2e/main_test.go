//go:build e2e

// Package e2e renders every example under examples/ with the real kustomize and kpt, and
// checks that both tools give the same objects, that the functions really ran, and that the
// result equals the committed <example>/expected.yaml.
//
// Run it with `make e2e`; `UNBAKE_UPDATE_GOLDEN=1 make e2e` rewrites the expected.yaml files
// from the kustomize rendering.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// commandTimeout bounds every tool run: a render takes well under a second.
const commandTimeout = 2 * time.Minute

// The tools under test, from the environment set by `make e2e`.
var (
	unbakeBin string // directory holding the function binaries
	kustomize string
	kpt       string
)

// updateGolden rewrites <example>/expected.yaml instead of comparing with it.
var updateGolden = os.Getenv("UNBAKE_UPDATE_GOLDEN") == "1"

func TestMain(m *testing.M) {
	if err := setup(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\nrun the end-to-end tests with `make e2e`: it builds the functions, installs kustomize and sets UNBAKE_BIN, KUSTOMIZE and KPT\n", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// setup reads the tool locations and puts the function binaries first on PATH, which is
// where kustomize (exec.path: inject-sidecar) and kpt (exec: inject-sidecar) look for them.
func setup() error {
	var err error
	if unbakeBin, err = toolFromEnv("UNBAKE_BIN", true); err != nil {
		return err
	}
	if err := executable(filepath.Join(unbakeBin, "inject-sidecar")); err != nil {
		return fmt.Errorf("UNBAKE_BIN=%s: %v", unbakeBin, err)
	}
	if kustomize, err = toolFromEnv("KUSTOMIZE", false); err != nil {
		return err
	}
	if kpt, err = toolFromEnv("KPT", false); err != nil {
		return err
	}
	return os.Setenv("PATH", unbakeBin+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// toolFromEnv returns the absolute path in the environment variable name: a directory if
// dir, else an executable file.
func toolFromEnv(name string, dir bool) (string, error) {
	value := os.Getenv(name)
	if value == "" {
		return "", fmt.Errorf("%s is not set", name)
	}
	path, err := filepath.Abs(value)
	if err != nil {
		return "", fmt.Errorf("%s=%s: %v", name, value, err)
	}
	if dir {
		if info, err := os.Stat(path); err != nil || !info.IsDir() {
			return "", fmt.Errorf("%s=%s is not a directory", name, value)
		}
		return path, nil
	}
	if err := executable(path); err != nil {
		return "", fmt.Errorf("%s=%s: %v", name, value, err)
	}
	return path, nil
}

func executable(path string) error {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		return err
	case info.IsDir() || info.Mode().Perm()&0o111 == 0:
		return fmt.Errorf("%s is not an executable file", path)
	}
	return nil
}

// run runs a tool in dir with a timeout and returns its stdout; err carries the exit
// status, stderr holds the diagnostics (kpt's results, the functions' messages).
func run(t *testing.T, dir, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %s: %w", commandTimeout, err)
	}
	return out.String(), errOut.String(), err
}

// examplesRoot is the repository's examples/ directory (go test runs in tests/e2e).
func examplesRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// examples lists the example directories; each must hold both forms, kustomize/ and package/.
func examples(t *testing.T) []string {
	t.Helper()
	root := examplesRoot(t)
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		for _, form := range []string{"kustomize/kustomization.yaml", "package/Kptfile"} {
			if _, err := os.Stat(filepath.Join(dir, form)); err != nil {
				t.Errorf("example %s: every example needs both forms: %v", e.Name(), err)
			}
		}
		dirs = append(dirs, dir)
	}
	if len(dirs) == 0 {
		t.Fatalf("no examples under %s", root)
	}
	return dirs
}

// copyExample copies an example directory into a fresh temporary directory: kpt fn render
// rewrites a package in place, and the negative tests alter the configs.
func copyExample(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

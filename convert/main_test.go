package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestExitStatuses: usage errors are 2, help is 0, and an -o that holds files is an
// error that leaves them as they were.
func TestExitStatuses(t *testing.T) {
	context := filepath.Join("testdata", "tensorboard", "in")
	for _, tc := range []struct {
		name string
		args []string
		want int
	}{
		{"help", []string{"--help"}, ExitConverted},
		{"unknown flag", []string{"--bogus"}, ExitUsage},
		{"argument", []string{"--context", context, "Dockerfile"}, ExitUsage},
		{"missing Dockerfile", []string{"-f", filepath.Join(context, "nope"), "--context", context, "-o", filepath.Join(t.TempDir(), "out")}, ExitError},
		{"bad name", []string{"--context", context, "--name", "Tensor_Board", "-o", filepath.Join(t.TempDir(), "out")}, ExitError},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tc.want, Main(tc.args, &stdout, &stderr), "stdout: %s\nstderr: %s", &stdout, &stderr)
			if tc.want == ExitConverted {
				assert.True(t, strings.HasPrefix(stdout.String(), Help[:40]), "help: %s", &stdout)
			}
		})
	}

	t.Run("non-empty -o", func(t *testing.T) {
		out := t.TempDir()
		keep := filepath.Join(out, "mine.yaml")
		require.NoError(t, os.WriteFile(keep, []byte("kind: Mine\n"), 0o644))
		var stdout, stderr bytes.Buffer
		require.Equal(t, ExitError, Main([]string{"--context", context, "-o", out}, &stdout, &stderr))
		assert.Contains(t, stderr.String(), "exists and is not empty")
		entries, err := os.ReadDir(out)
		require.NoError(t, err)
		assert.Len(t, entries, 1, "the directory was changed")
		leftovers, err := filepath.Glob(filepath.Join(filepath.Dir(out), ".unbake-convert-*"))
		require.NoError(t, err)
		assert.Empty(t, leftovers, "a temporary directory was left behind")
	})

	t.Run("empty -o", func(t *testing.T) {
		out := t.TempDir()
		var stdout, stderr bytes.Buffer
		require.Equal(t, ExitConverted, Main([]string{"--context", context, "-o", out}, &stdout, &stderr), "%s", &stderr)
		assert.FileExists(t, filepath.Join(out, "CONVERSION.md"))
	})
}

// TestHelpersTable: every known helper has a reason, and the table is read once, at start.
func TestHelpersTable(t *testing.T) {
	require.NotEmpty(t, helpers)
	for _, h := range helpers {
		assert.NotEmpty(t, h.Reason, "%v", h.Packages)
	}
	assert.Equal(t, "alpine/git:2.47.2", stepImage(stepGitClone))
	assert.Nil(t, lookupHelper("libpq5"))
	assert.Equal(t, "nginx", lookupHelper(packageName("nginx=1.22.1-9")).Container)
}

// TestREADMEHasHelp: the README shows `unbake convert --help` as the command prints it.
func TestREADMEHasHelp(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(readme), "$ unbake convert --help\n"+Help+"```",
		"README.md: paste the output of `bin/unbake convert --help` under \"Migrating a Dockerfile\"")
}

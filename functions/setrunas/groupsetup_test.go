package setrunas

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/fnconfigs"
)

// The groupSetup wrapper passes every value as an argument: a command full of shell
// syntax reaches runuser unchanged, and nothing in it runs.
func TestGroupSetupScriptRunsNothingItIsGiven(t *testing.T) {
	require.NoError(t, exec.Command("sh", "-n", "-c", wrapperScript).Run(), "the script does not parse")

	dir := t.TempDir()
	log := filepath.Join(dir, "calls")
	pwned := filepath.Join(dir, "pwned")
	// Stubs record their argv, one call per line, words separated by NUL. getent and id
	// fail, so the group and user get created.
	for name, status := range map[string]string{"getent": "1", "id": "1", "groupadd": "0", "useradd": "0", "runuser": "0"} {
		stub := "#!/bin/sh\nprintf '%s' \"" + name + "\" >> \"$LOG\"\nfor a in \"$@\"; do printf '\\0%s' \"$a\" >> \"$LOG\"; done\necho >> \"$LOG\"\nexit " + status + "\n"
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(stub), 0o755))
	}
	hostile := []string{"app", "it's", `say "hi"`, "$(touch " + pwned + ")", "; touch " + pwned, "line\nbreak", "`touch " + pwned + "`"}
	uid, gid := int64(1000), int64(2000)
	spec := &fnconfigs.SetRunAsSpec{RunAsUser: &uid, RunAsGroup: &gid,
		GroupSetup: &fnconfigs.GroupSetup{Group: "app", User: "app"}}
	command := wrap(spec, hostile)

	cmd := exec.Command(command[0], command[1:]...)
	cmd.Env = append(os.Environ(), "PATH="+dir+":/usr/bin:/bin", "LOG="+log)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	data, err := os.ReadFile(log)
	require.NoError(t, err)
	calls := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	// The newline inside an argument splits its call's line: join the calls back.
	joined := strings.Join(calls, "\n")
	require.Equal(t, strings.Join([]string{
		"getent\x00group\x00app",
		"groupadd\x00-g\x002000\x00app",
		"id\x00-u\x00app",
		"useradd\x00-M\x00-N\x00-g\x00app\x00-u\x001000\x00app",
		"runuser\x00-u\x00app\x00-g\x00app\x00--\x00" + strings.Join(hostile, "\x00"),
	}, "\n"), joined)
	require.NoFileExists(t, pwned, "a value in the command ran as shell code")

	original, wrapped := unwrap(command)
	require.True(t, wrapped)
	require.Equal(t, hostile, original, "a re-run finds the original command behind the wrapper")
}

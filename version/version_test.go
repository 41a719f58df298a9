package version

import (
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestGetStamped(t *testing.T) {
	defer func(v, c string) { Version, Commit = v, c }(Version, Commit)
	Version, Commit = "v1.2.3", "0123abcd"
	got := Get().String("inject-sidecar")
	want := "inject-sidecar v1.2.3 (commit 0123abcd, " + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestGetUnstamped(t *testing.T) {
	defer func(v, c string) { Version, Commit = v, c }(Version, Commit)
	Version, Commit = "", ""
	info := Get()
	// A test binary's main module is (devel), and go test records no VCS settings.
	if info.Version != "dev" || info.Commit == "" || !strings.HasPrefix(info.GoVersion, "go") {
		t.Errorf("unstamped: %+v", info)
	}
}

func TestVCSCommit(t *testing.T) {
	for _, c := range []struct {
		settings []debug.BuildSetting
		want     string
	}{
		{nil, ""},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "false"}}, "abc"},
		{[]debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}, {Key: "vcs.modified", Value: "true"}}, "abc-dirty"},
	} {
		if got := vcsCommit(c.settings); got != c.want {
			t.Errorf("vcsCommit(%v) = %q, want %q", c.settings, got, c.want)
		}
	}
}

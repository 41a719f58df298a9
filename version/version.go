// Package version tells which release a binary is: the version and commit stamped at
// build time by `-ldflags -X` (make build, make release, ko), or else what the Go
// toolchain recorded (`go install …@vX.Y.Z` records the module version and, in a git
// checkout, the commit).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Stamped by the Makefile and ko (pipeline/images/ko.yaml):
//
//	-X github.com/unbake/unbake/version.Version=v0.1.0 -X github.com/unbake/unbake/version.Commit=<sha>
var (
	Version string
	Commit  string
)

// Info is what a binary knows about its own build.
type Info struct {
	Version, Commit, GoVersion, Platform string
}

// Get returns the stamped version and commit, falling back to the build info.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, GoVersion: runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if build, ok := debug.ReadBuildInfo(); ok {
		if info.Version == "" && build.Main.Version != "" && build.Main.Version != "(devel)" {
			info.Version = build.Main.Version
		}
		if info.Commit == "" {
			info.Commit = vcsCommit(build.Settings)
		}
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}

// vcsCommit is the revision go build recorded, marked -dirty for a modified tree.
func vcsCommit(settings []debug.BuildSetting) string {
	var revision, modified string
	for _, s := range settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision != "" && modified == "true" {
		revision += "-dirty"
	}
	return revision
}

// String is the line `--version` prints: name, version, commit, Go version and platform.
func (i Info) String(name string) string {
	return fmt.Sprintf("%s %s (commit %s, %s, %s)", name, i.Version, i.Commit, i.GoVersion, i.Platform)
}

// IsFlag tells whether arg asks for the version.
func IsFlag(arg string) bool {
	return arg == "--version" || arg == "-version" || arg == "version"
}

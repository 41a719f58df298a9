package convert

import (
	_ "embed"
	"fmt"
	"slices"

	"sigs.k8s.io/yaml"
)

//go:embed helpers.yaml
var helpersYAML []byte

// What replaces a known package.
const (
	replaceSidecar   = "sidecar"
	replaceStep      = "step"
	replaceBuildTool = "buildtool"
)

// The init steps a step helper belongs to.
const (
	stepGitClone = "gitClone"
	stepPip      = "pip"
)

// helper is one entry of helpers.yaml.
type helper struct {
	Packages  []string `json:"packages"`
	Replace   string   `json:"replace"`
	Step      string   `json:"step,omitempty"`
	Container string   `json:"container,omitempty"`
	Image     string   `json:"image,omitempty"`
	Ports     []int32  `json:"ports,omitempty"`
	Paths     []string `json:"paths,omitempty"`
	Commands  []string `json:"commands,omitempty"`
	Reason    string   `json:"reason"`
	Guess     bool     `json:"guess,omitempty"`
}

// helpers is the table of known packages, read once.
var helpers = mustHelpers()

func mustHelpers() []helper {
	var table []helper
	if err := yaml.UnmarshalStrict(helpersYAML, &table); err != nil {
		panic(fmt.Sprintf("convert/helpers.yaml: %v", err))
	}
	for i, h := range table {
		valid := h.Reason != "" && len(h.Packages) > 0
		switch h.Replace {
		case replaceSidecar:
			valid = valid && h.Container != "" && h.Image != ""
		case replaceStep:
			valid = valid && (h.Step == stepGitClone || h.Step == stepPip)
		case replaceBuildTool:
		default:
			valid = false
		}
		if !valid {
			panic(fmt.Sprintf("convert/helpers.yaml: entry %d (%v) is incomplete", i, h.Packages))
		}
	}
	return table
}

// lookupHelper finds the entry of a package name (without version or architecture).
func lookupHelper(pkg string) *helper {
	for i := range helpers {
		if slices.Contains(helpers[i].Packages, pkg) {
			return &helpers[i]
		}
	}
	return nil
}

// stepImage is the image of the step helper of an init step kind, e.g. git for gitClone.
func stepImage(step string) string {
	for _, h := range helpers {
		if h.Replace == replaceStep && h.Step == step && h.Image != "" {
			return h.Image
		}
	}
	return ""
}

package kanikojob

import (
	"fmt"
	"os"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
)

// revisionEnv is where Argo CD tells a config management plugin which commit it renders.
const revisionEnv = "ARGOCD_APP_REVISION"

// shortRevision is the most of a commit SHA a tag carries, as in `git rev-parse --short=12`.
const shortRevision = 12

// revision is the commit the images are also tagged with, and where it came from.
type revision struct {
	tag    string // the SHA, lowercase, cut to shortRevision; "" when none is known
	full   string // the SHA as given, lowercase
	source string // spec.revision or the environment variable; without a tag, why none
}

// resolveRevision takes spec.revision, else, for a git context, ARGOCD_APP_REVISION.
// Reading the environment makes the output depend on it, which the results say. A dir,
// tar, s3 or gs context holds whatever was put there, which the Application's commit says
// nothing about: its images are not tagged with that commit.
func resolveRevision(cfg *fnconfigs.KanikoJob, rl *krm.ResourceList) (revision, bool) {
	if cfg.Spec.Revision != "" {
		return newRevision(cfg.Spec.Revision, "spec.revision"), true
	}
	env := os.Getenv(revisionEnv)
	if env == "" {
		return revision{}, true
	}
	if cfg.Spec.ContextScheme() != fnconfigs.ContextSchemeGit {
		return revision{source: "spec.revision is not set, and " + revisionEnv + " tags git contexts only"}, true
	}
	if !fnconfigs.IsRevision(env) {
		rl.Results = append(rl.Results, krm.ErrorResult(rl.FunctionConfig, "spec.revision",
			"the environment variable %s is %q: %s; set spec.revision to the commit to tag with (it takes precedence)",
			revisionEnv, env, fnconfigs.RevisionRule))
		return revision{}, false
	}
	return newRevision(env, "the environment variable "+revisionEnv+", so the output changes with it"), true
}

func newRevision(sha, source string) revision {
	sha = strings.ToLower(sha)
	return revision{tag: sha[:min(len(sha), shortRevision)], full: sha, source: source}
}

// explain says which revision tags the images, for the results.
func (r revision) explain() string {
	if r.tag == "" && r.source != "" {
		return " (no revision: " + r.source + ")"
	}
	if r.tag == "" {
		return " (no revision: neither spec.revision nor " + revisionEnv + " is set)"
	}
	return fmt.Sprintf(" (revision %s from %s)", r.tag, r.source)
}

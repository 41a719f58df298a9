package kanikojob

import (
	"path/filepath"
	"testing"

	"github.com/unbake/unbake/functions/golden"
)

// The cases in testdata run with ARGOCD_APP_REVISION unset, whatever the environment of
// the test run: the function reads it, and the expectations must not depend on it.
func TestGolden(t *testing.T) {
	t.Setenv(revisionEnv, "")
	golden.Run(t, Function, "testdata")
}

// The cases in testenv/<name> run as under Argo CD, with ARGOCD_APP_REVISION set.
func TestGoldenRevisionFromEnvironment(t *testing.T) {
	for dir, value := range map[string]string{
		"argocd-revision": "0123456789abcdef0123456789abcdef01234567",
		"helm-version":    "1.2.3",
	} {
		t.Run(dir, func(t *testing.T) {
			t.Setenv(revisionEnv, value)
			golden.Run(t, Function, filepath.Join("testenv", dir))
		})
	}
}

func FuzzKanikoJob(f *testing.F) { golden.Fuzz(f, Function, "testdata") }

package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/unbake/unbake/pipeline"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// The golden cases: testdata/<case>/ holds
//
//	in/            the build context, with its Dockerfile
//	args           optional extra flags (paths in them are relative to the case)
//	workload.yaml  optional: given as --workload
//	status         the expected exit status
//	out/           the expected package (status 0 and 3)
//	rendered.yaml  the package rendered by `unbake run` (status 0 and 3); tests/e2e
//	               checks that kustomize and kpt render the same objects
//	error.txt      what stderr must contain (status 1), $CASE standing for the case
//	               directory
//
// UNBAKE_UPDATE_GOLDEN=1 go test ./convert rewrites out/, rendered.yaml and error.txt.
var updateGolden = os.Getenv("UNBAKE_UPDATE_GOLDEN") == "1"

func TestGolden(t *testing.T) {
	cases, err := filepath.Glob(filepath.Join("testdata", "*", "status"))
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases (%v)", err)
	}
	for _, statusFile := range cases {
		dir, _ := filepath.Abs(filepath.Dir(statusFile))
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want, err := strconv.Atoi(strings.TrimSpace(readFile(t, statusFile)))
			if err != nil {
				t.Fatalf("%s: %v", statusFile, err)
			}
			// Converted twice: the output must be the same bytes.
			first := convertCase(t, dir, want)
			second := convertCase(t, dir, want)
			if first != "" && packageText(t, first) != packageText(t, second) {
				t.Errorf("converting twice gave different packages")
			}
			if first == "" {
				return
			}
			expected := filepath.Join(dir, "out")
			if updateGolden {
				if err := os.RemoveAll(expected); err != nil {
					t.Fatal(err)
				}
				if err := os.CopyFS(expected, os.DirFS(first)); err != nil {
					t.Fatal(err)
				}
			} else {
				assert.Equal(t, packageText(t, expected), packageText(t, first),
					"the package differs from %s (UNBAKE_UPDATE_GOLDEN=1 go test ./convert rewrites it)", expected)
			}
			checkRendered(t, dir, first)
		})
	}
}

// convertCase runs the command on a case and checks its exit status; it returns the
// package directory, or nil when the case must fail (and then checks nothing was written).
func convertCase(t *testing.T, dir string, want int) string {
	t.Helper()
	parent := t.TempDir()
	out := filepath.Join(parent, "pkg")
	args := []string{"-o", out}
	hasContext := false
	if extra, err := os.ReadFile(filepath.Join(dir, "args")); err == nil {
		words := strings.Fields(string(extra))
		for i := 0; i < len(words); i++ {
			args = append(args, words[i])
			if (words[i] == "--context" || words[i] == "-f" || words[i] == "--workload") && i+1 < len(words) {
				hasContext = hasContext || words[i] == "--context"
				args = append(args, filepath.Join(dir, words[i+1]))
				i++
			}
		}
	}
	if !hasContext {
		args = append(args, "--context", filepath.Join(dir, "in"))
	}
	if _, err := os.Stat(filepath.Join(dir, "workload.yaml")); err == nil {
		args = append(args, "--workload", filepath.Join(dir, "workload.yaml"))
	}
	var stdout, stderr bytes.Buffer
	got := Main(args, &stdout, &stderr)
	if got != want {
		t.Fatalf("unbake convert %s: exit status %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), got, want, &stdout, &stderr)
	}
	if want != ExitError {
		return out
	}
	if entries, err := os.ReadDir(parent); err != nil || len(entries) > 0 {
		t.Errorf("a failed conversion wrote %v (%v)", entries, err)
	}
	msg := strings.ReplaceAll(stderr.String(), dir, "$CASE")
	golden := filepath.Join(dir, "error.txt")
	if updateGolden {
		if err := os.WriteFile(golden, []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
	} else if wantMsg := readFile(t, golden); msg != wantMsg {
		t.Errorf("stderr:\n%s\nwant:\n%s", msg, wantMsg)
	}
	return ""
}

// checkRendered renders the package through `unbake run` in process, the Kptfile's
// configs as one Pipeline, and compares with rendered.yaml; the rendering must differ from
// the package's manifests, or the functions did not run.
func checkRendered(t *testing.T, dir, pkg string) {
	pipelineFile := filepath.Join(t.TempDir(), "pipeline.yaml")
	if err := os.WriteFile(pipelineFile, []byte(pipelineOf(t, pkg)), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(pkg) // ScriptsToConfigMap reads path: from the working directory
	var stdout, stderr bytes.Buffer
	if code := pipeline.RunFiles(pipeline.Run, pipelineFile, ".", &stdout, &stderr); code != 0 {
		t.Fatalf("unbake run -f on the package: exit %d\n%s", code, &stderr)
	}
	golden := filepath.Join(dir, "rendered.yaml")
	if updateGolden {
		if err := os.WriteFile(golden, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		assert.Equal(t, readFile(t, golden), stdout.String(), "the rendering differs from %s", golden)
	}
	var manifests bytes.Buffer
	for _, name := range workloadFileNames(t, pkg) {
		manifests.WriteString(readFile(t, filepath.Join(pkg, name)))
	}
	if strings.TrimSpace(stdout.String()) == strings.TrimSpace(manifests.String()) {
		t.Errorf("the rendering equals the package's manifests: the functions did not run")
	}
}

// pipelineOf is a Pipeline config whose steps are the configs of the package's Kptfile,
// in its order.
func pipelineOf(t *testing.T, pkg string) string {
	t.Helper()
	var kptfile struct {
		Pipeline struct {
			Mutators []struct {
				ConfigPath string `json:"configPath"`
			} `json:"mutators"`
		} `json:"pipeline"`
	}
	if err := sigsyaml.Unmarshal([]byte(readFile(t, filepath.Join(pkg, "Kptfile"))), &kptfile); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("apiVersion: fn.unbake.dev/v1alpha1\nkind: Pipeline\nmetadata:\n  name: converted\nspec:\n  steps:\n")
	for _, step := range kptfile.Pipeline.Mutators {
		config := readFile(t, filepath.Join(pkg, step.ConfigPath))
		// Each config, indented as an item of steps.
		b.WriteString("    - " + strings.ReplaceAll(strings.TrimRight(config, "\n"), "\n", "\n      ") + "\n")
	}
	return b.String()
}

func workloadFileNames(t *testing.T, pkg string) []string {
	t.Helper()
	k, err := yaml.ReadFile(filepath.Join(pkg, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	names, err := k.GetSlice("resources")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, n := range names {
		files = append(files, n.(string))
	}
	return files
}

// packageText is every file of a package with its content, in path order.
func packageText(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		data, err := os.ReadFile(p)
		b.WriteString("=== " + filepath.ToSlash(rel) + "\n" + string(data) + "\n")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func readFile(t *testing.T, file string) string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (UNBAKE_UPDATE_GOLDEN=1 go test ./convert writes it)", err)
	}
	return string(data)
}

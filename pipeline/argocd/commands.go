package argocd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"sigs.k8s.io/kustomize/kyaml/kio"
)

// Main is `unbake argocd-discover` and `unbake argocd-generate`, which Argo CD runs in
// the application's directory: the functions read files (ScriptsToConfigMap path:)
// relative to it.
func Main(command string, args []string, out, errOut io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(errOut, "unbake %s: usage: unbake %s (in the application's directory)\n", command, command)
		return 2
	}
	if command == "argocd-discover" {
		return Discover(".", out, errOut)
	}
	return Generate(".", out, errOut)
}

// optInEnv is the Application's plugin env entry UNBAKE as Argo CD passes it: "true"
// claims the application whatever discovery finds (unbake configs in a remote base).
const optInEnv = "ARGOCD_ENV_UNBAKE"

// Discover prints how the application in dir is rendered if it runs unbake functions,
// and nothing for any other application: Argo CD asks its plugins before its own
// kustomize, and takes a plugin whose discovery command prints anything. Naming the
// plugin in the Application does not skip discovery, hence the opt-in.
func Discover(dir string, out, errOut io.Writer) int {
	if os.Getenv(optInEnv) == "true" {
		fmt.Fprintf(out, "%s=true\n", optInEnv)
		return 0
	}
	a, err := detect(dir)
	if errors.Is(err, errNoApp) {
		return 0
	}
	uses := false
	if err == nil {
		uses, err = a.usesUnbake()
	}
	if err != nil {
		fmt.Fprintf(errOut, "unbake argocd-discover: %v\n", err)
		return 1
	}
	if uses {
		fmt.Fprintln(out, a.form)
	}
	return 0
}

// Generate renders the application in dir and prints its objects as a YAML stream, with
// --- between documents (Argo CD merges documents that lack it into one object). On any
// failure, and when nothing was rendered, it prints nothing and exits non-zero: Argo CD
// takes empty output for an application without objects, and prunes them all.
func Generate(dir string, out, errOut io.Writer) int {
	a, err := detect(dir)
	if err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: %v\n", err)
		return 1
	}
	var rendered bytes.Buffer
	if code := a.render(&rendered, errOut); code != 0 {
		return code
	}
	objects, err := (&kio.ByteReader{Reader: bytes.NewReader(rendered.Bytes())}).Read()
	if err == nil && len(objects) == 0 {
		err = errors.New("no objects: Argo CD would delete every object of the application")
	}
	if err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: the %s rendering of %s: %v\n", a.form, dir, err)
		return 1
	}
	if _, err := out.Write(rendered.Bytes()); err != nil {
		fmt.Fprintf(errOut, "unbake argocd-generate: %v\n", err)
		return 1
	}
	return 0
}

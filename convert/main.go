package convert

import (
	"errors"
	"flag"
	"fmt"
	"github.com/unbake/unbake/version"
	"io"
	"strings"
)

// Exit statuses of unbake convert.
const (
	ExitConverted = 0 // the package replaces the image: nothing left to build
	ExitError     = 1 // nothing written
	ExitUsage     = 2 // bad flags or arguments
	ExitMustBuild = 3 // the package is written, and something must still be built
)

// Help is `unbake convert --help`.
const Help = `unbake convert: turn a derived Dockerfile into the unbake package that replaces it.

Usage:
  unbake convert [-f Dockerfile] [--context DIR] [--workload FILE]... [-o DIR]

Reads the Dockerfile with BuildKit's parser and writes, into DIR (which must not exist
or be empty; it is written whole or not at all):
  - the workload: the one of --workload, edited (image, command, args, env, workingDir,
    ports, probe, volumes), or a Deployment (and a Service for EXPOSE) named after the
    image (--name);
  - one function config per step (InjectSidecar, InitChain, ScriptsToConfigMap,
    KanikoJob, SetRunAs), a Kptfile running them and a kustomization.yaml listing them,
    and the COPYed files under files/;
  - when something must still be built: Dockerfile.unbake, holding only that, and
    gen-kaniko-job.yaml, which builds it in the cluster;
  - CONVERSION.md: one row per instruction, saying what replaced it, how sure that is,
    and what to check.

Flags:
  -f FILE          the Dockerfile (default: Dockerfile in the --context directory)
  --context DIR    the build context COPY and ADD read from (default: .)
  --workload FILE  YAML holding the workload that ran the image (repeatable: its other
                   objects, e.g. the Service, are copied too)
  -o DIR           where the package goes (default: unbake-<name>)
  --name NAME      the name of the written workload and configs (default: from the
                   image; with --workload, the workload's name)
  --image REPO     where a remaining build is pushed (default: registry.example.com/<name>)
  --revision SHA   the git commit a remaining build is also tagged with (default: Argo
                   CD's ARGOCD_APP_REVISION, when gen-kaniko-job runs in Argo CD)

Exit status:
  0  converted: nothing is left to build
  3  converted, but something must still be built (Dockerfile.unbake, gen-kaniko-job.yaml)
  1  error: nothing was written
  2  usage error
`

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// Main is the unbake-convert command: args without the program name.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && version.IsFlag(args[0]) {
		fmt.Fprintln(stdout, version.Get().String("unbake-convert"))
		return ExitConverted
	}
	fs := flag.NewFlagSet("unbake convert", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var opts Options
	var out string
	fs.StringVar(&opts.Dockerfile, "f", "", "")
	fs.StringVar(&opts.Context, "context", "", "")
	fs.Var((*stringList)(&opts.Workloads), "workload", "")
	fs.StringVar(&out, "o", "", "")
	fs.StringVar(&opts.Name, "name", "", "")
	fs.StringVar(&opts.Image, "image", "", "")
	fs.StringVar(&opts.Revision, "revision", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, Help)
			return ExitConverted
		}
		fmt.Fprintf(stderr, "unbake convert: %v\n\n%s", err, Help)
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unbake convert: unexpected argument %q (the Dockerfile is given with -f)\n\n%s", fs.Arg(0), Help)
		return ExitUsage
	}
	pkg, err := Convert(opts)
	if err != nil {
		fmt.Fprintf(stderr, "unbake convert: %v\n", err)
		return ExitError
	}
	if out == "" {
		out = "unbake-" + pkg.Name
	}
	if err := Write(pkg, out); err != nil {
		fmt.Fprintf(stderr, "unbake convert: %v\n", err)
		return ExitError
	}
	if pkg.MustBuild {
		fmt.Fprintf(stdout, "wrote %s: something must still be built (%s/%s, %s/gen-kaniko-job.yaml); see %s/CONVERSION.md\n",
			out, out, reducedDockerfile, out, out)
		return ExitMustBuild
	}
	fmt.Fprintf(stdout, "wrote %s: nothing is left to build; see %s/CONVERSION.md\n", out, out)
	return ExitConverted
}

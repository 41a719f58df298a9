// Package convert turns a derived Dockerfile into the unbake package that replaces it:
// the workload, one function config per step, a kpt Kptfile and a kustomization, the
// reduced Dockerfile and KanikoJob of what must still be built, and CONVERSION.md, the
// report of what replaced each instruction.
package convert

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/unbake/unbake/fnconfigs"
)

// Options of a conversion.
type Options struct {
	// Dockerfile is the Dockerfile's path; default Context/Dockerfile.
	Dockerfile string
	// Context is the build context directory, which COPY and ADD read from; default ".".
	Context string
	// Workloads are YAML files holding the workload to edit (exactly one pod-bearing
	// object); none: a Deployment (and a Service) named after the image.
	Workloads []string
	// Name names the generated workload and configs; default from the image.
	Name string
	// Image is the repository what must still be built is pushed to; default
	// registry.example.com/<name>.
	Image string
	// Revision is the git commit the build is tagged with (KanikoJob revision); default
	// Argo CD's ARGOCD_APP_REVISION when the function runs.
	Revision string
}

// Package is the converted package: its files by slash-separated path.
type Package struct {
	// Name is the workload's.
	Name  string
	Files map[string][]byte
	// MustBuild tells that something must still be built (Dockerfile.unbake).
	MustBuild bool
}

// Certainty of a row of CONVERSION.md.
const (
	sure     = "sure"
	likely   = "likely"
	guess    = "guess"
	buildRow = "build"
	reported = "report"
)

// row is one line of CONVERSION.md's table.
type row struct {
	line                  int
	instruction, replaced string
	certainty, check      string
}

// Instructions and what converts them. The names are the files the package holds.
const (
	reducedDockerfile = "Dockerfile.unbake"
	filesDir          = "files"
	builtTag          = "0.1.0"
	downloadImage     = "busybox:1.37.0"
	defaultPath       = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	maxConfigMapBytes = 1 << 20
)

// converter holds the state of one conversion.
type converter struct {
	opts    Options
	context string
	df      *dockerfile
	rows    []row

	wl      *workload
	base    string   // the final stage's base image
	build   bool     // something must be built
	kept    []string // Dockerfile.unbake, instruction by instruction
	shell   []string
	app     container
	volumes []string // VOLUME paths

	sidecars []*sidecar
	chains   []*chain
	files    map[string][]*copied // by target container
	copies   map[string][]byte    // files/… of the package
	cmBytes  map[string]int       // ConfigMap bytes by target container
	chmods   map[string]int32     // chmod of COPYed destinations
	runAs    *runAs
	users    map[string]int64 // useradd -u
	checks   []string         // package-wide notes for CONVERSION.md

	plannedSteps map[string]bool // the init steps some RUN makes: gitClone, pip
	buildDirs    []string        // the directories the RUNs that must be built work in
	servicePorts []port
	installed    []*helper // the known helpers some RUN installs
	cmd          startCommand
	entrypoint   startCommand
}

// Convert converts the Dockerfile of opts. It reads only; Write puts the package on disk.
func Convert(opts Options) (*Package, error) {
	if opts.Context == "" {
		opts.Context = "."
	}
	if info, err := os.Stat(opts.Context); err != nil || !info.IsDir() {
		return nil, fmt.Errorf("--context %s: not a directory: give the build context, the directory COPY and ADD read from", opts.Context)
	}
	if opts.Revision != "" && !fnconfigs.IsRevision(opts.Revision) {
		return nil, fmt.Errorf("--revision %s: %s", opts.Revision, fnconfigs.RevisionRule)
	}
	if opts.Dockerfile == "" {
		opts.Dockerfile = filepath.Join(opts.Context, "Dockerfile")
	}
	data, err := os.ReadFile(opts.Dockerfile)
	if err != nil {
		return nil, fmt.Errorf("reading the Dockerfile: %v", err)
	}
	df, err := parseDockerfile(filepath.Base(opts.Dockerfile), data)
	if err != nil {
		return nil, err
	}
	c := &converter{opts: opts, context: opts.Context, df: df, shell: []string{"/bin/sh", "-c"},
		files: map[string][]*copied{}, copies: map[string][]byte{}, cmBytes: map[string]int{},
		chmods: map[string]int32{}, users: map[string]int64{},
		cmd: startCommand{row: -1}, entrypoint: startCommand{row: -1}}
	if err := c.convert(); err != nil {
		return nil, err
	}
	return c.pack()
}

func (c *converter) add(line int, instruction, replaced, certainty, check string) {
	c.rows = append(c.rows, row{line: line, instruction: instruction, replaced: replaced, certainty: certainty, check: check})
}

// keep puts an instruction into Dockerfile.unbake.
func (c *converter) keep(instruction string) { c.kept = append(c.kept, instruction) }

// item is an instruction of the final stage with what the first pass learnt of it.
type item struct {
	cmd  instructions.Command
	line int
	text string
	raw  string // its lines as written
	env  *vars  // the variables before it
	cwd  string // the WORKDIR before it
	segs []segment
	// build: the instruction (or a command of it) must be built.
	build bool
}

func (c *converter) convert() error {
	// The ARGs before the first FROM reach only the FROM lines; in the stage, its own
	// ARGs and ENVs count.
	meta := &vars{}
	for i := range c.df.metaArgs {
		var values []string
		for _, kv := range c.df.metaArgs[i].Args {
			meta.set(kv.Key, kv.ValueString())
			values = append(values, kv.Key+"="+kv.ValueString())
		}
		line, text := c.df.source(&c.df.metaArgs[i])
		c.add(line, text, "substituted into FROM with its default ("+strings.Join(values, ", ")+")", sure,
			"a --build-arg value given to docker build is not known here")
	}
	stages := c.df.stages
	final := stages[len(stages)-1]
	for i, st := range stages[:len(stages)-1] {
		c.keepStage(i, st)
	}
	base, unmatched := c.df.expand(final.BaseName, meta)
	c.base = base
	fromLine, fromText := stageSource(c.df, final)
	// A multi-stage build copies what earlier stages built; an image FROM scratch has
	// nothing to run until it is built.
	c.build = len(stages) > 1 || base == "scratch"
	if err := c.loadWorkload(); err != nil {
		return err
	}
	items := c.firstPass(final)
	last := -1
	for i, it := range items {
		if it.build {
			last = i
		}
	}
	c.build = c.build || last >= 0
	fromCheck := ""
	if len(unmatched) > 0 {
		fromCheck = "no value for " + strings.Join(unmatched, ", ") + ": check the image"
	}
	if c.build {
		// The ARGs before the first FROM come first: FROM may use them.
		kept := c.kept
		c.kept = nil
		for i := range c.df.metaArgs {
			c.keep(c.df.raw(&c.df.metaArgs[i]))
		}
		c.kept = append(c.kept, kept...)
		c.keep(fromText)
		c.add(fromLine, fromText, fmt.Sprintf("kept in %s; the workload runs the image the KanikoJob builds", reducedDockerfile), buildRow,
			joinChecks(fromCheck, "set the destination and the build context in gen-kaniko-job.yaml"))
	} else {
		c.add(fromLine, fromText, fmt.Sprintf("the workload's image: %s (the derived image goes away)", base), sure, fromCheck)
	}
	for i := range items {
		if err := c.second(&items[i], i < last, last >= 0); err != nil {
			return err
		}
	}
	c.finishCommand()
	c.applyChmods()
	return nil
}

// keepStage keeps an earlier stage of a multi-stage build whole.
func (c *converter) keepStage(i int, st instructions.Stage) {
	line, text := stageSource(c.df, st)
	name := st.Name
	if name == "" {
		name = fmt.Sprint(i)
	}
	c.keep(text)
	c.add(line, text, fmt.Sprintf("kept in %s: stage %s of a multi-stage build", reducedDockerfile, name), buildRow, "")
	for _, cmd := range st.Commands {
		l, t := c.df.source(cmd)
		c.keep(c.df.raw(cmd))
		c.add(l, t, fmt.Sprintf("kept in %s (stage %s)", reducedDockerfile, name), buildRow, "")
	}
}

func stageSource(df *dockerfile, st instructions.Stage) (int, string) {
	if len(st.Location) == 0 {
		return 0, "FROM " + st.BaseName
	}
	line := st.Location[0].Start.Line
	return line, strings.TrimSpace(df.lines[line-1])
}

// firstPass walks the final stage once to learn what must be built, the helpers the
// RUN lines install, and the clones, venvs and chmods the later instructions refer to.
func (c *converter) firstPass(st instructions.Stage) []item {
	env, cwd := &vars{}, "/"
	var items []item
	var clones []*segment
	for _, cmd := range st.Commands {
		line, text := c.df.source(cmd)
		it := item{cmd: cmd, line: line, text: text, raw: c.df.raw(cmd), env: env.clone(), cwd: cwd}
		switch cmd := cmd.(type) {
		case *instructions.ArgCommand:
			for _, kv := range cmd.Args {
				value, _ := c.df.expand(kv.ValueString(), env)
				env.set(kv.Key, value)
			}
		case *instructions.EnvCommand:
			for _, kv := range cmd.Env {
				value, _ := c.df.expand(kv.Value, env)
				env.set(kv.Key, value)
			}
		case *instructions.WorkdirCommand:
			dir, _ := c.df.expand(cmd.Path, env)
			cwd = abs(cwd, dir)
		case *instructions.RunCommand:
			if len(cmd.Files) > 0 || !cmd.PrependShell || len(cmd.FlagsUsed) > 0 {
				it.build = true
				break
			}
			it.segs = analyzeRun(c.df.words(strings.Join(cmd.CmdLine, " "), env), cwd)
			for i := range it.segs {
				s := &it.segs[i]
				switch s.kind {
				case segGitClone:
					clones = append(clones, s)
				case segUser:
					if s.uid != nil && s.userName != "" {
						c.users[s.userName] = *s.uid
					}
				}
			}
		case *instructions.CopyCommand:
			it.build = cmd.From != ""
		case *instructions.AddCommand:
			it.build = c.addMustBuild(cmd, env)
		}
		items = append(items, it)
	}
	c.resolveRuns(items, clones)
	return items
}

// resolveRuns decides, once every RUN is known, which commands must be built: a step
// helper (git, pip) is replaced only when its step exists; a pip install needs a venv
// the init chain can hold.
func (c *converter) resolveRuns(items []item, clones []*segment) {
	hasStep := map[string]bool{}
	for _, it := range items {
		for _, s := range it.segs {
			switch s.kind {
			case segGitClone:
				hasStep[stepGitClone] = true
			case segPip, segVenv:
				hasStep[stepPip] = true
			}
		}
	}
	c.plannedSteps = hasStep
	venv := ""
	for i := range items {
		it := &items[i]
		for j := range it.segs {
			s := &it.segs[j]
			switch s.kind {
			case segInstall:
				for k, h := range s.helpers {
					switch {
					case h == nil || (h.Replace == replaceStep && !hasStep[h.Step]):
						s.why = "no known helper replaces " + s.packages[k]
					case h.Replace == replaceSidecar:
						c.useSidecar(h)
					}
				}
			case segGitCheckout:
				if clone := cloneAt(clones, s.dir); clone != nil {
					clone.revision = s.revision
				} else {
					s.kind, s.why = segBuild, "checks out a repository no git clone of this Dockerfile made"
				}
			case segVenv:
				venv = s.dir
			case segPip:
				c.resolvePip(s, venv, clones, it.env)
			case segChmod:
				for _, p := range s.paths {
					c.chmods[p] = s.mode
				}
			}
			if s.kind == segBuild || (s.kind == segInstall && s.why != "") {
				it.build = true
			}
		}
		if it.build {
			c.buildDirs = append(c.buildDirs, it.cwd)
			for _, s := range it.segs {
				if s.kind == segCd {
					c.buildDirs = append(c.buildDirs, s.dir)
				}
			}
		}
	}
}

func cloneAt(clones []*segment, dir string) *segment {
	for _, s := range clones {
		if s.dir == dir {
			return s
		}
	}
	return nil
}

// resolvePip finds the venv of a pip install: the directory of its pip program, or the
// last venv made before it; without one it is a system-wide install.
func (c *converter) resolvePip(s *segment, venv string, clones []*segment, env *vars) {
	if dir := path.Dir(path.Dir(s.pipBin)); path.IsAbs(s.pipBin) && path.Base(path.Dir(s.pipBin)) == "bin" {
		venv = dir
	}
	s.dir = venv
	if s.reqFile == "" {
		return
	}
	for _, clone := range clones {
		if within(s.reqFile, clone.dir) {
			return
		}
	}
	// A requirements file COPYed from the context: its requirements are inlined.
	pkgs, ok := c.contextRequirements(path.Base(s.reqFile))
	if !ok {
		s.kind, s.why = segBuild, "its requirements file "+s.reqFile+" is neither in a cloned repository nor a plain list in the context"
		return
	}
	s.pip = append(s.pip, pkgs...)
	s.reqFile = ""
}

// contextRequirements reads a requirements file of the context, if it is a plain list.
func (c *converter) contextRequirements(name string) ([]string, bool) {
	data, err := os.ReadFile(filepath.Join(c.context, name))
	if err != nil {
		return nil, false
	}
	var pkgs []string
	for _, l := range strings.Split(string(data), "\n") {
		if i := strings.Index(l, "#"); i >= 0 {
			l = l[:i]
		}
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if strings.HasPrefix(l, "-") || strings.Contains(l, " ") {
			return nil, false
		}
		pkgs = append(pkgs, l)
	}
	return pkgs, len(pkgs) > 0
}

func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}

// second converts one instruction of the final stage. beforeBuild: a later instruction
// must be built, so this one may be its input; building: something is built at all.
func (c *converter) second(it *item, beforeBuild, building bool) error {
	switch cmd := it.cmd.(type) {
	case *instructions.RunCommand:
		return c.run(it)
	case *instructions.CopyCommand:
		if cmd.From != "" {
			c.keep(it.raw)
			c.add(it.line, it.text, "kept in "+reducedDockerfile, buildRow, "COPY --from copies out of another stage or image: a build")
			return nil
		}
		return c.copyInstruction(it, &cmd.SourcesAndDest, cmd.Chmod, cmd.Chown, beforeBuild, building)
	case *instructions.AddCommand:
		return c.addInstruction(it, cmd, beforeBuild, building)
	case *instructions.EnvCommand:
		c.envInstruction(it, cmd, beforeBuild)
	case *instructions.ArgCommand:
		c.argInstruction(it, cmd, beforeBuild)
	case *instructions.WorkdirCommand:
		dir, _ := c.df.expand(cmd.Path, it.env)
		c.app.workingDir = abs(it.cwd, dir)
		c.keptToo(it, beforeBuild, "workingDir: "+c.app.workingDir)
	case *instructions.UserCommand:
		c.user(it, cmd, beforeBuild)
	case *instructions.ExposeCommand:
		c.expose(it, cmd)
	case *instructions.HealthCheckCommand:
		c.healthcheck(it, cmd)
	case *instructions.VolumeCommand:
		c.volume(it, cmd)
	case *instructions.CmdCommand:
		c.cmdInstruction(it, cmd.ShellDependantCmdLine, false)
	case *instructions.EntrypointCommand:
		c.cmdInstruction(it, cmd.ShellDependantCmdLine, true)
	case *instructions.ShellCommand:
		c.shell = slices.Clone(cmd.Shell)
		c.keptToo(it, beforeBuild, "the shell of the shell-form CMD, ENTRYPOINT and HEALTHCHECK: "+strings.Join(cmd.Shell, " "))
	case *instructions.LabelCommand, *instructions.MaintainerCommand:
		c.add(it.line, it.text, "nothing: image metadata", reported,
			"labels of the workload or annotations carry such metadata in Kubernetes; copy what tools read")
	case *instructions.StopSignalCommand:
		c.add(it.line, it.text, "nothing", reported,
			"the kubelet stops containers with SIGTERM; lifecycle.stopSignal (Kubernetes 1.33, feature gate ContainerStopSignals) or a preStop hook sends another signal")
	case *instructions.OnbuildCommand:
		c.add(it.line, it.text, "nothing: it acts on images built FROM this one", reported, "no Kubernetes equivalent")
	default:
		c.add(it.line, it.text, "nothing", reported, "unbake has no rule for "+it.cmd.Name())
	}
	return nil
}

// keptToo records an instruction that configures the container, and that a build after
// it also needs.
func (c *converter) keptToo(it *item, beforeBuild bool, replaced string) {
	if beforeBuild {
		c.keep(it.raw)
		replaced += fmt.Sprintf("; also kept in %s for the build after it", reducedDockerfile)
	}
	c.add(it.line, it.text, replaced, sure, "")
}

func (c *converter) envInstruction(it *item, cmd *instructions.EnvCommand, beforeBuild bool) {
	env := it.env.clone()
	var checks []string
	certainty := sure
	for _, kv := range cmd.Env {
		value, unmatched := c.df.expand(kv.Value, env)
		if len(unmatched) > 0 {
			// Kubernetes cannot read the image's environment: the image's PATH is
			// nearly always the standard one.
			raw := kv.Value
			for _, name := range unmatched {
				if name == "PATH" {
					raw = strings.NewReplacer("${PATH}", defaultPath, "$PATH", defaultPath).Replace(raw)
				}
			}
			value, _ = c.df.expand(raw, env)
			certainty = guess
			checks = append(checks, fmt.Sprintf("%s refers to the image's %s, which the conversion cannot read: check the value", kv.Key, strings.Join(unmatched, ", ")))
		}
		env.set(kv.Key, value)
		c.app.setEnv(kv.Key, value)
	}
	replaced := "env of the container"
	if beforeBuild {
		c.keep(it.raw)
		replaced += fmt.Sprintf("; also kept in %s for the build after it", reducedDockerfile)
	}
	c.add(it.line, it.text, replaced, certainty, strings.Join(checks, "; "))
}

func (c *converter) argInstruction(it *item, cmd *instructions.ArgCommand, beforeBuild bool) {
	var values []string
	for _, kv := range cmd.Args {
		values = append(values, kv.Key+"="+kv.ValueString())
	}
	replaced := "substituted with its default (" + strings.Join(values, ", ") + ")"
	if beforeBuild {
		c.keep(it.raw)
		replaced += fmt.Sprintf("; also kept in %s", reducedDockerfile)
	}
	c.add(it.line, it.text, replaced, sure, "a --build-arg value given to docker build is not known here")
}

// addMustBuild: a local archive (ADD unpacks it) must be built.
func (c *converter) addMustBuild(cmd *instructions.AddCommand, env *vars) bool {
	for _, src := range cmd.SourcePaths {
		src, _ = c.df.expand(src, env)
		if !isURL(src) && isArchive(src) {
			return true
		}
	}
	return false
}

func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "git@")
}

func isArchive(s string) bool {
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}

func joinChecks(checks ...string) string {
	var kept []string
	for _, c := range checks {
		if c != "" {
			kept = append(kept, c)
		}
	}
	return strings.Join(kept, "; ")
}

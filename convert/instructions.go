package convert

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// The conversion of each instruction of the final stage, called by second in order.

// run converts a RUN: each of its commands is replaced or kept; what is kept becomes one
// RUN of Dockerfile.unbake.
func (c *converter) run(it *item) error {
	if it.segs == nil {
		c.keep(it.raw)
		c.add(it.line, it.text, "kept in "+reducedDockerfile, buildRow,
			"must be built: the exec form, heredocs and RUN flags (--mount, --network) are kept as written")
		return nil
	}
	var replaced, kept, checks []string
	certainty := sure
	for i := range it.segs {
		s := &it.segs[i]
		switch s.kind {
		case segBuild:
			kept = append(kept, text(s.words))
			checks = append(checks, fmt.Sprintf("`%s` must be built: %s", text(s.words), s.why))
		case segHousekeeping:
			if it.build {
				kept = append(kept, text(s.words))
			} else if s.why != "" {
				replaced = append(replaced, fmt.Sprintf("`%s`: nothing (%s)", text(s.words), s.why))
			}
		case segCd:
			if it.build {
				kept = append(kept, text(s.words))
			}
		case segInstall:
			var keptPkgs []string
			for k, pkg := range s.packages {
				h := s.helpers[k]
				if h == nil || (h.Replace == replaceStep && !c.hasStep(h.Step)) {
					keptPkgs = append(keptPkgs, pkg)
					continue
				}
				c.installed = append(c.installed, h)
				if h.Guess {
					certainty = guess
				}
				switch h.Replace {
				case replaceSidecar:
					replaced = append(replaced, fmt.Sprintf("%s: sidecar %s (%s)", pkg, h.Container, h.Image))
					checks = append(checks, fmt.Sprintf("%s reaches the app on localhost, but sees none of its files: share a volume if it serves some", h.Container))
				case replaceStep:
					replaced = append(replaced, fmt.Sprintf("%s: the image of the %s step", pkg, h.Step))
				default:
					replaced = append(replaced, pkg+": nothing (a build tool)")
				}
			}
			if len(keptPkgs) > 0 {
				kept = append(kept, text(append(slices.Clone(s.prefix), keptPkgs...)))
				checks = append(checks, fmt.Sprintf("no known helper replaces %s: built", strings.Join(keptPkgs, ", ")))
			}
		case segGitClone:
			replaced = append(replaced, c.gitClone(s))
			if s.revision == "" || !isCommit(s.revision) {
				certainty = likely
				checks = append(checks, "pin the clone to a commit SHA (gitClone.revision): a branch moves")
			}
		case segGitCheckout:
			replaced = append(replaced, "the clone's revision "+s.revision)
		case segVenv:
			replaced = append(replaced, "the venv "+s.dir+" of the pip step")
		case segPip:
			r, ok := c.pipStep(s)
			if !ok {
				kept = append(kept, text(s.words))
				checks = append(checks, fmt.Sprintf("`%s` must be built: %s", text(s.words), r))
				continue
			}
			replaced = append(replaced, r)
			if s.dir == "" {
				certainty = guess
				checks = append(checks, "pip installed system-wide: the packages are now in the venv /opt/venv, first on PATH")
			}
		case segChmod:
			replaced = append(replaced, fmt.Sprintf("mode %04o of the ConfigMap files %s", s.mode, strings.Join(s.paths, ", ")))
		case segUser:
			replaced = append(replaced, "nothing: Kubernetes runs a numeric UID without a passwd entry (USER)")
			certainty = likely
		}
	}
	if len(kept) > 0 {
		c.keep("RUN " + strings.Join(kept, " && "))
		if len(replaced) > 0 {
			replaced = append(replaced, "the rest kept in "+reducedDockerfile)
		} else {
			replaced = append(replaced, "kept in "+reducedDockerfile)
		}
		certainty = buildRow
	}
	if len(replaced) == 0 {
		replaced = append(replaced, "nothing: package index updates and cache cleanup go with the packages")
	}
	c.add(it.line, it.text, strings.Join(replaced, "; "), certainty, strings.Join(checks, "; "))
	return nil
}

func isCommit(rev string) bool {
	return len(rev) == 40 && strings.Trim(rev, "0123456789abcdef") == ""
}

func (c *converter) hasStep(step string) bool { return c.plannedSteps[step] }

// copied is one file of a ConfigMap.
type copied struct {
	key, path, destination string
	content                *string
	mode                   *int32
	size                   int
	script                 []byte
}

// copyInstruction converts a COPY (or an ADD of local files): the files go into a
// ConfigMap mounted at their destinations, unless they feed a build.
func (c *converter) copyInstruction(it *item, sd *instructions.SourcesAndDest, chmod, chown string, beforeBuild, building bool) error {
	rawDest, _ := c.df.expand(sd.DestPath, it.env)
	dest := abs(it.cwd, rawDest)
	dirDest := strings.HasSuffix(rawDest, "/") || len(sd.SourcePaths)+len(sd.SourceContents) > 1
	var entries []*copied
	for _, sc := range sd.SourceContents {
		content := sc.Data
		if sc.Expand {
			// An unquoted heredoc delimiter (<<EOF) lets BuildKit substitute variables.
			content, _ = c.df.expand(content, it.env)
		}
		d := dest
		if dirDest {
			d = path.Join(dest, sc.Path)
		}
		entries = append(entries, &copied{destination: d, content: &content, size: len(content), script: []byte(content)})
	}
	for _, src := range sd.SourcePaths {
		src, _ = c.df.expand(src, it.env)
		files, err := c.contextFiles(src, dest, dirDest)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %v", filepath.Base(c.opts.Dockerfile), it.line, it.cmd.Name(), err)
		}
		entries = append(entries, files...)
	}
	target := c.targetFor(dest)
	why := ""
	switch {
	case target == "" && beforeBuild:
		why = "an instruction after it that must be built may read these files"
	case target == "" && building && c.inBuildDir(dest):
		why = "it goes into the directory the build works in"
	default:
		why = c.tooBig(entries, target)
	}
	if why != "" {
		c.keep(it.raw)
		c.add(it.line, it.text, "kept in "+reducedDockerfile, buildRow, why)
		return nil
	}
	var mode *int32
	if chmod != "" {
		m, err := strconv.ParseInt(chmod, 8, 32)
		if err != nil || m > 0o777 {
			return fmt.Errorf("%s:%d: --chmod=%s: only octal modes are converted", filepath.Base(c.opts.Dockerfile), it.line, chmod)
		}
		m32 := int32(m)
		mode = &m32
	}
	var checks []string
	for _, e := range entries {
		e.mode = mode
		c.addFile(target, e)
		checks = append(checks, c.startsSidecar(e)...)
	}
	container := target
	if container == "" {
		container = c.wl.container
	}
	if slices.ContainsFunc(entries, func(e *copied) bool { return credentials.MatchString(path.Base(e.destination)) }) {
		checks = append(checks, "credentials in a ConfigMap: anyone who can read ConfigMaps can read them; a Secret is better")
	}
	if chown != "" {
		checks = append(checks, "ConfigMap files belong to root: fsGroup (SetRunAs) sets their group; --chown has no equivalent")
	}
	if mode == nil && slices.ContainsFunc(entries, func(e *copied) bool { return strings.HasPrefix(string(e.script), "#!") }) {
		checks = append(checks, "scripts (#!) are mounted with mode 0755")
	}
	what := fmt.Sprintf("%d files", len(entries))
	if len(entries) == 1 {
		what = entries[0].destination
	}
	c.add(it.line, it.text, fmt.Sprintf("ConfigMap (%s): %s in container %s", stcFile(target), what, container), sure, strings.Join(checks, "; "))
	return nil
}

// contextFiles lists the files a COPY source names, with their destinations, as Docker
// copies them: a directory's contents go into the destination directory.
func (c *converter) contextFiles(src, dest string, dirDest bool) ([]*copied, error) {
	if !filepath.IsLocal(filepath.FromSlash(path.Clean(src))) && path.Clean(src) != "." {
		return nil, fmt.Errorf("%s is outside the build context", src)
	}
	matches, err := filepath.Glob(filepath.Join(c.context, filepath.FromSlash(src)))
	if err != nil || len(matches) == 0 {
		return nil, fmt.Errorf("%s: no such file in the build context %s", src, c.context)
	}
	var files []*copied
	for _, m := range matches {
		info, err := os.Stat(m)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			d := dest
			if dirDest || len(matches) > 1 {
				d = path.Join(dest, filepath.Base(m))
			}
			f, err := c.contextFile(m, d)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
			continue
		}
		err = filepath.WalkDir(m, func(p string, d os.DirEntry, err error) error {
			switch {
			case err != nil:
				return err
			case d.IsDir() && d.Name() == ".git":
				return filepath.SkipDir
			case !d.Type().IsRegular():
				return nil
			}
			rel, err := filepath.Rel(m, p)
			if err != nil {
				return err
			}
			f, err := c.contextFile(p, path.Join(dest, filepath.ToSlash(rel)))
			files = append(files, f)
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	return files, nil
}

func (c *converter) contextFile(file, dest string) (*copied, error) {
	rel, err := filepath.Rel(c.context, file)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return &copied{path: filesDir + "/" + filepath.ToSlash(rel), destination: dest, size: len(data), script: data}, nil
}

// tooBig tells why files cannot go into a ConfigMap: the API server's limit of 1 MiB for
// the whole object, or a tree of mostly binary files, which belongs in an image.
func (c *converter) tooBig(entries []*copied, target string) string {
	total, binary := 0, 0
	for _, e := range entries {
		total += e.size
		if !utf8.Valid(e.script) {
			binary += e.size
		}
		if e.size > maxConfigMapBytes {
			return fmt.Sprintf("%s is over the 1 MiB a ConfigMap holds", e.destination)
		}
	}
	switch {
	case c.cmBytes[target]+total > maxConfigMapBytes:
		return "the ConfigMap would pass the 1 MiB it may hold"
	case len(entries) > 1 && binary*2 > total:
		return "mostly binary files: a tree of binaries belongs in an image"
	}
	return ""
}

// addFile puts a file into the ConfigMap of its container; a later COPY to the same
// destination replaces an earlier one, as in the image.
func (c *converter) addFile(target string, e *copied) {
	for t, files := range c.files {
		c.files[t] = slices.DeleteFunc(files, func(f *copied) bool { return f.destination == e.destination })
	}
	if e.path != "" {
		c.copies[e.path] = e.script
	}
	e.key = configMapKey(path.Base(e.destination))
	for _, f := range c.files[target] {
		if f.key == e.key {
			e.key = configMapKey(strings.TrimPrefix(e.destination, "/"))
		}
	}
	c.files[target] = append(c.files[target], e)
	c.cmBytes[target] += e.size
}

var credentials = regexp.MustCompile(`(?i)htpasswd|passw|secret|token|credential|\.pem$|\.key$`)

var notKeyChars = regexp.MustCompile(`[^-._a-zA-Z0-9]+`)

func configMapKey(name string) string {
	return strings.Trim(notKeyChars.ReplaceAllString(name, "-"), "-")
}

// startsSidecar finds the commands of sidecar helpers a script runs: they now run in
// their own container.
func (c *converter) startsSidecar(e *copied) []string {
	if !strings.HasPrefix(string(e.script), "#!") {
		return nil
	}
	var checks []string
	for _, s := range c.sidecars {
		for _, word := range s.helper.Commands {
			re := regexp.MustCompile(`(?m)(^|[;&|]\s*|\bexec\s+)` + regexp.QuoteMeta(word) + `\b`)
			if re.Match(e.script) {
				checks = append(checks, fmt.Sprintf("%s starts %s, which now runs in the sidecar %s: remove that from the script", path.Base(e.destination), word, s.helper.Container))
			}
		}
	}
	return checks
}

// targetFor is the sidecar container whose files a destination is, or "" for the app.
func (c *converter) targetFor(dest string) string {
	for _, s := range c.sidecars {
		for _, p := range s.helper.Paths {
			if within(dest, strings.TrimSuffix(p, "/")) {
				return s.helper.Container
			}
		}
	}
	return ""
}

func (c *converter) inBuildDir(dest string) bool {
	return slices.ContainsFunc(c.buildDirs, func(d string) bool { return d != "/" && within(dest, d) })
}

// applyChmods gives COPYed files the mode a RUN chmod gave them.
func (c *converter) applyChmods() {
	for p, mode := range c.chmods {
		found := false
		for _, files := range c.files {
			for _, f := range files {
				if within(f.destination, p) && f.mode == nil {
					m := mode
					f.mode, found = &m, true
				}
			}
		}
		if !found {
			c.checks = append(c.checks, fmt.Sprintf("chmod of %s: no COPYed file is there, so the mode is not converted", p))
		}
	}
}

// addInstruction converts an ADD: a URL becomes a download or clone step, a local
// archive a build, anything else a COPY.
func (c *converter) addInstruction(it *item, cmd *instructions.AddCommand, beforeBuild, building bool) error {
	if it.build {
		c.keep(it.raw)
		c.add(it.line, it.text, "kept in "+reducedDockerfile, buildRow, "ADD unpacks a local archive into the image: a ConfigMap cannot hold the unpacked tree")
		return nil
	}
	var urls, local []string
	for _, src := range cmd.SourcePaths {
		src, _ = c.df.expand(src, it.env)
		if isURL(src) {
			urls = append(urls, src)
		} else {
			local = append(local, src)
		}
	}
	if len(urls) == 0 {
		return c.copyInstruction(it, &cmd.SourcesAndDest, cmd.Chmod, cmd.Chown, beforeBuild, building)
	}
	if len(local) > 0 || len(urls) > 1 || beforeBuild {
		c.keep(it.raw)
		c.add(it.line, it.text, "kept in "+reducedDockerfile, buildRow, "an ADD of several sources with URLs, or one a later build reads, stays in the build")
		return nil
	}
	rawDest, _ := c.df.expand(cmd.DestPath, it.env)
	dest := abs(it.cwd, rawDest)
	url := urls[0]
	if strings.HasSuffix(url, ".git") || strings.Contains(url, ".git#") || strings.HasPrefix(url, "git@") {
		repo, ref, _ := strings.Cut(url, "#")
		s := &segment{repo: repo, revision: ref, dir: dest}
		replaced := c.gitClone(s)
		check := ""
		if !isCommit(ref) {
			check = "pin the clone to a commit SHA (gitClone.revision): a branch moves"
		}
		c.add(it.line, it.text, replaced, likely, check)
		return nil
	}
	if strings.HasSuffix(rawDest, "/") {
		dest = path.Join(dest, path.Base(strings.SplitN(url, "?", 2)[0]))
	}
	replaced := c.download(url, dest, cmd.Checksum)
	check := "the file is downloaded at every start of the pod: pin the URL to a version"
	if cmd.Checksum != "" {
		check += "; the step checks its --checksum"
	}
	c.add(it.line, it.text, replaced, likely, check)
	return nil
}

// runAs is what USER becomes.
type runAs struct {
	user, group int64
	line        int
}

func (c *converter) user(it *item, cmd *instructions.UserCommand, beforeBuild bool) {
	u, _ := c.df.expand(cmd.User, it.env)
	name, group, hasGroup := strings.Cut(u, ":")
	certainty := sure
	var checks []string
	uid, err := strconv.ParseInt(name, 10, 64)
	if err != nil {
		if id, ok := c.users[name]; ok {
			uid, certainty = id, likely
			checks = append(checks, fmt.Sprintf("UID %d is the one the Dockerfile's useradd gives %s", id, name))
		} else {
			uid, certainty = 1000, guess
			checks = append(checks, fmt.Sprintf("a user name cannot be resolved without the image: run `id %s` in it and set that UID; if the program needs the name, SetRunAs groupSetup {user: %s, group: %s} creates it at start", name, name, name))
		}
	}
	gid := uid
	if hasGroup {
		if g, err := strconv.ParseInt(group, 10, 64); err == nil {
			gid = g
		} else {
			certainty = guess
			checks = append(checks, "group "+group+" cannot be resolved without the image: set its GID as runAsGroup")
		}
	} else if certainty == sure {
		certainty = likely
		checks = append(checks, "USER names no group: runAsGroup is set to the UID, since without it the GID is the image's passwd entry's, or 0")
	}
	c.runAs = &runAs{user: uid, group: gid, line: it.line}
	replaced := fmt.Sprintf("SetRunAs (set-runas.yaml): runAsUser %d, runAsGroup %d", uid, gid)
	if beforeBuild {
		c.keep(it.raw)
		replaced += "; also kept in " + reducedDockerfile + " for the build after it"
	}
	c.add(it.line, it.text, replaced, certainty, strings.Join(checks, "; "))
}

// port is a containerPort.
type port struct {
	name     string
	number   int32
	protocol string
}

func (c *converter) expose(it *item, cmd *instructions.ExposeCommand) {
	var replaced, checks []string
	for _, p := range cmd.Ports {
		p, _ = c.df.expand(p, it.env)
		num, proto, _ := strings.Cut(p, "/")
		proto = strings.ToUpper(proto)
		if proto == "" {
			proto = "TCP"
		}
		n, err := strconv.ParseInt(num, 10, 32)
		if err != nil || n < 1 || n > 65535 || (proto != "TCP" && proto != "UDP" && proto != "SCTP") {
			checks = append(checks, p+" is no single port: list its ports one by one")
			continue
		}
		pt := port{name: strings.ToLower(proto) + "-" + num, number: int32(n), protocol: proto}
		if s := c.sidecarWithPort(pt.number); s != nil {
			s.ports = append(s.ports, pt)
			replaced = append(replaced, fmt.Sprintf("port %s of the sidecar %s", pt.name, s.helper.Container))
		} else {
			c.app.ports = append(c.app.ports, pt)
			replaced = append(replaced, "port "+pt.name+" of the container")
		}
		c.servicePorts = append(c.servicePorts, pt)
	}
	if c.wl.skeleton {
		replaced = append(replaced, "and of the Service")
	} else {
		checks = append(checks, "add the ports to the Service of the workload, if it has one")
	}
	c.add(it.line, it.text, strings.Join(replaced, ", "), sure, strings.Join(checks, "; "))
}

func (c *converter) sidecarWithPort(n int32) *sidecar {
	for _, s := range c.sidecars {
		if slices.Contains(s.helper.Ports, n) {
			return s
		}
	}
	return nil
}

// probe is what HEALTHCHECK becomes: an exec liveness probe.
type probe struct {
	command                                 []string
	period, timeout, initialDelay, failures int32
}

func seconds(d, def time.Duration) int32 {
	if d == 0 {
		d = def
	}
	return int32(max(1, (d+time.Second-1)/time.Second))
}

func (c *converter) healthcheck(it *item, cmd *instructions.HealthCheckCommand) {
	h := cmd.Health
	if len(h.Test) == 0 || h.Test[0] == "NONE" {
		c.app.probe = nil
		c.add(it.line, it.text, "nothing: it turns the base image's check off, and Kubernetes ignores image health checks anyway", sure, "")
		return
	}
	command := h.Test[1:]
	if h.Test[0] == "CMD-SHELL" {
		command = append(slices.Clone(c.shell), strings.Join(h.Test[1:], " "))
	}
	retries := int32(h.Retries)
	if retries == 0 {
		retries = 3
	}
	c.app.probe = &probe{command: command, period: seconds(h.Interval, 30*time.Second),
		timeout: seconds(h.Timeout, 30*time.Second), failures: retries}
	if h.StartPeriod > 0 {
		c.app.probe.initialDelay = seconds(h.StartPeriod, 0)
	}
	c.add(it.line, it.text, fmt.Sprintf("livenessProbe (exec) every %ds, timeout %ds, %d failures", c.app.probe.period, c.app.probe.timeout, retries), likely,
		"a failing liveness probe restarts the container, where Docker only marked it unhealthy: make it a readinessProbe if a restart does not help")
}

func (c *converter) volume(it *item, cmd *instructions.VolumeCommand) {
	var replaced []string
	for _, v := range cmd.Volumes {
		v, _ = c.df.expand(v, it.env)
		v = abs(it.cwd, v)
		c.volumes = append(c.volumes, v)
		replaced = append(replaced, fmt.Sprintf("emptyDir %s at %s", volumeName(v), v))
	}
	c.add(it.line, it.text, strings.Join(replaced, ", "), likely,
		"an emptyDir starts empty (Docker copies what the image has there into a new volume) and lives as long as the pod: use a PersistentVolumeClaim for data that must stay")
}

func volumeName(p string) string {
	name := strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(p), "-"), "-")
	if name == "" {
		name = "root"
	}
	return truncate("volume-"+name, 63)
}

func truncate(s string, n int) string {
	if len(s) > n {
		s = strings.TrimRight(s[:n], "-")
	}
	return s
}

// cmdInstruction records a CMD or ENTRYPOINT; finishCommand combines the last of each.
func (c *converter) cmdInstruction(it *item, cmd instructions.ShellDependantCmdLine, entrypoint bool) {
	words := slices.Clone(cmd.CmdLine)
	if cmd.PrependShell {
		words = append(slices.Clone(c.shell), strings.Join(cmd.CmdLine, " "))
	}
	r := &c.cmd
	if entrypoint {
		r = &c.entrypoint
	}
	if r.row >= 0 {
		c.rows[r.row].replaced = fmt.Sprintf("nothing: line %d overrides it", it.line)
		c.rows[r.row].certainty = sure
	}
	*r = startCommand{words: words, shell: cmd.PrependShell, row: len(c.rows), line: it.line}
	c.add(it.line, it.text, "", sure, "")
}

// startCommand is the last CMD or ENTRYPOINT, and its row.
type startCommand struct {
	words []string
	shell bool
	row   int
	line  int
}

// finishCommand combines ENTRYPOINT and CMD as Docker does: command is the ENTRYPOINT,
// args the CMD; a shell-form ENTRYPOINT ignores CMD. A CMD alone is args only, so the
// base image's ENTRYPOINT still runs it, as in Docker.
func (c *converter) finishCommand() {
	if c.entrypoint.row >= 0 {
		c.app.command = c.entrypoint.words
		c.rows[c.entrypoint.row].replaced = "command: " + flow(c.entrypoint.words)
	}
	if c.cmd.row < 0 {
		return
	}
	if c.entrypoint.row >= 0 && c.entrypoint.shell {
		c.rows[c.cmd.row].replaced = "nothing: a shell-form ENTRYPOINT ignores CMD, as in Docker"
		return
	}
	c.app.args = c.cmd.words
	c.rows[c.cmd.row].replaced = "args: " + flow(c.cmd.words)
	if c.entrypoint.row < 0 {
		c.rows[c.cmd.row].check = "args only: the base image's ENTRYPOINT, if it has one, still runs them, as in Docker"
	}
}

func flow(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = strconv.Quote(w)
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

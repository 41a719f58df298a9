package convert

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// sidecar is a known helper that runs in a container of its own.
type sidecar struct {
	helper *helper
	ports  []port
}

// useSidecar adds the sidecar of a helper, once.
func (c *converter) useSidecar(h *helper) {
	for _, s := range c.sidecars {
		if s.helper.Container == h.Container {
			return
		}
	}
	c.sidecars = append(c.sidecars, &sidecar{helper: h})
}

// chain is one InitChain config: steps on one volume, which the app sees at
// workspacePath, the path the Dockerfile wrote to, so that paths inside the files (a
// venv's scripts name their interpreter) stay right.
type chain struct {
	name      string
	workspace string
	steps     []step
	// file is set for a chain that holds a single downloaded file, mounted alone.
	file string
}

type step struct {
	name, image string
	gitClone    *gitCloneStep
	pip         *pipStep
	script      string
	env         [][2]string
}

type gitCloneStep struct{ repo, revision string }

type pipStep struct {
	venv, requirements string
	packages           []string
}

// chainFor finds the chain whose volume holds p, or makes one at dir.
func (c *converter) chainFor(p, dir string) *chain {
	for _, ch := range c.chains {
		if ch.file == "" && within(p, ch.workspace) {
			return ch
		}
	}
	ch := &chain{name: c.chainName(dir), workspace: dir}
	c.chains = append(c.chains, ch)
	return ch
}

var notLabelChars = regexp.MustCompile(`[^a-z0-9]+`)

func (c *converter) chainName(dir string) string {
	base := strings.Trim(notLabelChars.ReplaceAllString(strings.ToLower(path.Base(dir)), "-"), "-")
	if base == "" {
		base = "init"
	}
	name := truncate(c.wl.name+"-"+base, 40)
	for n := 2; c.chainNamed(name); n++ {
		name = truncate(c.wl.name+"-"+base, 37) + fmt.Sprint("-", n)
	}
	return name
}

func (c *converter) chainNamed(name string) bool {
	for _, ch := range c.chains {
		if ch.name == name {
			return true
		}
	}
	return false
}

func (ch *chain) add(s step) {
	name := s.name
	for n := 2; ch.hasStep(name); n++ {
		name = fmt.Sprint(s.name, "-", n)
	}
	s.name = name
	ch.steps = append(ch.steps, s)
}

func (ch *chain) hasStep(name string) bool {
	for _, s := range ch.steps {
		if s.name == name {
			return true
		}
	}
	return false
}

// gitClone makes a gitClone step that clones into the directory the Dockerfile cloned to.
func (c *converter) gitClone(s *segment) string {
	ch := c.chainFor(s.dir, s.dir)
	revision := s.revision
	if revision == "" {
		revision = "HEAD"
	}
	ch.add(step{name: "clone", image: stepImage(stepGitClone), gitClone: &gitCloneStep{repo: s.repo, revision: revision}})
	return fmt.Sprintf("InitChain %s (%s): step clone of %s at %s, revision %s", ch.name, c.chainFile(ch), s.repo, s.dir, revision)
}

// pipStep makes a pip step on the app's own image: a venv works only with the
// interpreter that made it.
func (c *converter) pipStep(s *segment) (string, bool) {
	venv := s.dir
	if venv == "" {
		venv = "/opt/venv"
		c.app.setEnv("PATH", "/opt/venv/bin:"+defaultPath)
	}
	ch := c.chainFor(venv, venv)
	if s.reqFile != "" && !within(s.reqFile, ch.workspace) {
		return fmt.Sprintf("its requirements file %s and its venv %s are on different volumes", s.reqFile, venv), false
	}
	image := c.image()
	ch.add(step{name: "pip", image: image, pip: &pipStep{venv: venv, requirements: s.reqFile, packages: s.pip}})
	what := strings.Join(s.pip, ", ")
	if s.reqFile != "" {
		what = joinChecks(what, "-r "+s.reqFile)
	}
	return fmt.Sprintf("InitChain %s (%s): step pip of %s into the venv %s, on %s", ch.name, c.chainFile(ch), what, venv, image), true
}

// download fetches the file of an ADD <URL> in an init step, onto a volume mounted
// alone at the destination.
func (c *converter) download(url, dest, checksum string) string {
	ch := &chain{name: c.chainName(path.Base(dest)), workspace: path.Dir(dest), file: dest}
	c.chains = append(c.chains, ch)
	script := `wget -q -O "$DEST" "$URL"`
	env := [][2]string{{"URL", url}, {"DEST", dest}}
	if algo, sum, ok := strings.Cut(checksum, ":"); ok && algo == "sha256" {
		script += "\n" + `echo "$SHA256  $DEST" | sha256sum -c -`
		env = append(env, [2]string{"SHA256", sum})
	}
	ch.add(step{name: "download", image: downloadImage, script: script + "\n", env: env})
	return fmt.Sprintf("InitChain %s (%s): step download of %s, mounted at %s", ch.name, c.chainFile(ch), url, dest)
}

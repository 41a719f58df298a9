package convert

import (
	"path"
	"slices"
	"strconv"
	"strings"
)

// What a command of a RUN line does, as far as the conversion is concerned.
const (
	segBuild        = iota // must be built: nothing replaces it
	segHousekeeping        // package index updates, cache cleanup: goes with what it served
	segInstall             // a package manager installing packages
	segGitClone            // git clone: an InitChain gitClone step
	segGitCheckout         // git checkout: the revision of the clone before it
	segCd                  // cd: the directory of the commands after it
	segVenv                // python -m venv / virtualenv: the venv of the pip step
	segPip                 // pip install: an InitChain pip step
	segChmod               // chmod of COPYed files: their mode in the ConfigMap
	segUser                // useradd/groupadd: the names a USER can be resolved with
)

// segment is one simple command of a RUN's shell line, between && ; || and |.
type segment struct {
	words []string
	op    string // the operator after it, "" for the last
	kind  int
	why   string // for segBuild: why it must be built

	manager  string    // segInstall: the package manager and the words before the packages
	prefix   []string  // segInstall
	packages []string  // segInstall: every package
	helpers  []*helper // segInstall: the known helper of each package, nil if unknown
	dir      string    // segGitClone, segVenv, segCd: the absolute directory; segGitCheckout: the clone
	repo     string    // segGitClone
	revision string    // segGitClone (-b), segGitCheckout
	pip      []string  // segPip: requirement specifiers
	reqFile  string    // segPip: the absolute path of -r FILE
	pipBin   string    // segPip: the pip program, to tell its venv
	mode     int32     // segChmod
	paths    []string  // segChmod: absolute paths
	uid      *int64    // segUser
	userName string    // segUser
}

// splitSegments splits a RUN's words into simple commands. A word the lexer left glued
// to a trailing ';' is split from it.
func splitSegments(words []string) []segment {
	var segs []segment
	var cur []string
	flush := func(op string) {
		if len(cur) > 0 || op != "" {
			segs = append(segs, segment{words: cur, op: op})
		}
		cur = nil
	}
	for _, w := range words {
		switch {
		case w == "&&" || w == ";" || w == "||" || w == "|":
			flush(w)
		case strings.HasSuffix(w, ";") && len(w) > 1:
			cur = append(cur, strings.TrimSuffix(w, ";"))
			flush(";")
		default:
			cur = append(cur, w)
		}
	}
	flush("")
	return segs
}

// analyzeRun classifies every command of a RUN line. cwd is the WORKDIR; the line's cd
// commands move it for the commands after them.
func analyzeRun(words []string, cwd string) []segment {
	segs := splitSegments(words)
	for i := range segs {
		s := &segs[i]
		if len(s.words) == 0 {
			s.kind = segHousekeeping
			continue
		}
		if s.op == "||" || s.op == "|" || (i > 0 && (segs[i-1].op == "||" || segs[i-1].op == "|")) {
			s.kind, s.why = segBuild, "a pipe or || makes its effect depend on other commands"
			continue
		}
		if slices.ContainsFunc(s.words, func(w string) bool { return strings.ContainsAny(w, "<>`") || strings.Contains(w, "$(") }) {
			s.kind, s.why = segBuild, "redirects or substitutes output"
			continue
		}
		classify(s, cwd)
		if s.kind == segCd {
			cwd = s.dir
		}
	}
	return segs
}

// abs resolves p against dir, as a shell in dir would.
func abs(dir, p string) string {
	if path.IsAbs(p) {
		return path.Clean(p)
	}
	return path.Join(dir, p)
}

func classify(s *segment, cwd string) {
	w := s.words
	prog := path.Base(w[0])
	switch {
	case prog == "set" || prog == "true" || prog == ":":
		s.kind = segHousekeeping
	case prog == "cd" && len(w) == 2:
		s.kind, s.dir = segCd, abs(cwd, w[1])
	case prog == "mkdir":
		s.kind = segHousekeeping
		s.why = "COPY, WORKDIR and volume mounts make their directories"
	case prog == "rm" && removesCaches(w[1:]):
		s.kind = segHousekeeping
	case prog == "apt-get" || prog == "apt" || prog == "apk" || prog == "yum" || prog == "dnf" || prog == "microdnf":
		classifyPackageManager(s)
	case prog == "git":
		classifyGit(s, cwd)
	case prog == "virtualenv" && len(w) >= 2:
		s.kind, s.dir = segVenv, abs(cwd, w[len(w)-1])
	case strings.HasPrefix(prog, "python") && len(w) >= 4 && w[1] == "-m" && w[2] == "venv":
		s.kind, s.dir = segVenv, abs(cwd, w[len(w)-1])
	case strings.HasPrefix(prog, "python") && len(w) >= 4 && w[1] == "-m" && w[2] == "pip" && w[3] == "install":
		classifyPip(s, w[0], w[4:], cwd)
	case strings.HasPrefix(prog, "pip") && len(w) >= 2 && w[1] == "install":
		classifyPip(s, w[0], w[2:], cwd)
	case prog == "chmod" && len(w) >= 3:
		classifyChmod(s, cwd)
	case prog == "useradd" || prog == "adduser" || prog == "groupadd" || prog == "addgroup":
		classifyUser(s)
	default:
		s.kind, s.why = segBuild, "no Kubernetes feature replaces this command"
	}
}

// removesCaches tells an rm of package manager caches and temporary files only.
func removesCaches(args []string) bool {
	caches := []string{"/var/lib/apt/lists", "/var/cache/", "/tmp/", "/root/.cache", "/var/tmp/"}
	n := 0
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		if !slices.ContainsFunc(caches, func(c string) bool { return strings.HasPrefix(a, c) }) {
			return false
		}
		n++
	}
	return n > 0
}

func classifyPackageManager(s *segment) {
	w := s.words
	verb := ""
	at := 0
	for i := 1; i < len(w); i++ {
		if !strings.HasPrefix(w[i], "-") {
			verb, at = w[i], i
			break
		}
	}
	switch verb {
	case "install", "add":
		s.kind, s.manager = segInstall, path.Base(w[0])
		s.prefix = slices.Clone(w[:at+1])
		for i := at + 1; i < len(w); i++ {
			if strings.HasPrefix(w[i], "-") {
				// apk add --virtual NAME and -t NAME take a value.
				if (w[i] == "--virtual" || w[i] == "-t") && i+1 < len(w) {
					s.prefix = append(s.prefix, w[i], w[i+1])
					i++
				} else {
					s.prefix = append(s.prefix, w[i])
				}
				continue
			}
			s.packages = append(s.packages, w[i])
			s.helpers = append(s.helpers, lookupHelper(packageName(w[i])))
		}
	case "update", "upgrade", "clean", "autoremove", "autoclean", "remove", "purge", "del", "makecache", "":
		s.kind = segHousekeeping
	default:
		s.kind, s.why = segBuild, "an unknown package manager command"
	}
}

// packageName strips a version or architecture: nginx=1.22*, nginx:amd64, py3-pip~23.
func packageName(pkg string) string {
	if i := strings.IndexAny(pkg, "=:~<>"); i > 0 {
		return pkg[:i]
	}
	return pkg
}

func classifyGit(s *segment, cwd string) {
	w := s.words
	args := w[1:]
	dir := cwd
	if len(args) >= 2 && args[0] == "-C" {
		dir, args = abs(cwd, args[1]), args[2:]
	}
	if len(args) == 0 {
		s.kind, s.why = segBuild, "a git command without a subcommand"
		return
	}
	switch args[0] {
	case "clone":
		var positional []string
		for i := 1; i < len(args); i++ {
			switch a := args[i]; {
			case a == "-b" || a == "--branch":
				if i+1 < len(args) {
					s.revision = args[i+1]
					i++
				}
			case a == "--depth" || a == "--filter" || a == "--origin" || a == "-o":
				i++
			case strings.HasPrefix(a, "-"):
			default:
				positional = append(positional, a)
			}
		}
		if len(positional) == 0 {
			s.kind, s.why = segBuild, "git clone without a repository"
			return
		}
		s.kind, s.repo = segGitClone, positional[0]
		if len(positional) > 1 {
			s.dir = abs(dir, positional[1])
		} else {
			s.dir = abs(dir, strings.TrimSuffix(path.Base(s.repo), ".git"))
		}
	case "checkout", "switch":
		if len(args) == 2 && !strings.HasPrefix(args[1], "-") {
			s.kind, s.dir, s.revision = segGitCheckout, dir, args[1]
			return
		}
		s.kind, s.why = segBuild, "a git checkout with options"
	default:
		s.kind, s.why = segBuild, "git "+args[0]+" has no init step"
	}
}

func classifyPip(s *segment, bin string, args []string, cwd string) {
	s.kind, s.pipBin = segPip, bin
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-r" || a == "--requirement":
			if i+1 < len(args) {
				s.reqFile = abs(cwd, args[i+1])
				i++
			}
		case strings.HasPrefix(a, "--requirement="):
			s.reqFile = abs(cwd, strings.TrimPrefix(a, "--requirement="))
		case a == "-e" || a == "--editable" || a == "." || strings.HasPrefix(a, "./") || strings.HasPrefix(a, "/"):
			s.kind, s.why = segBuild, "installs local source, which the image holds"
			return
		case a == "--upgrade" || a == "-U" || a == "--no-cache-dir" || a == "--quiet" || a == "-q" || a == "--user":
		case a == "-i" || a == "--index-url" || a == "--extra-index-url" || a == "-c" || a == "--constraint":
			s.kind, s.why = segBuild, "pip "+a+" has no field in the pip step"
			return
		case strings.HasPrefix(a, "-"):
		default:
			if packageName(strings.ToLower(a)) != "pip" {
				s.pip = append(s.pip, a)
			}
		}
	}
	if len(s.pip) == 0 && s.reqFile == "" {
		// pip install --upgrade pip: the venv step brings its own pip.
		s.kind = segHousekeeping
	}
}

func classifyChmod(s *segment, cwd string) {
	w := s.words[1:]
	if w[0] == "-R" {
		w = w[1:]
	}
	if len(w) < 2 {
		s.kind, s.why = segBuild, "a chmod without files"
		return
	}
	switch mode := w[0]; {
	case mode == "+x" || mode == "a+x" || mode == "u+x" || mode == "ugo+x":
		s.mode = 0o755
	default:
		m, err := strconv.ParseInt(mode, 8, 32)
		if err != nil || m > 0o777 {
			s.kind, s.why = segBuild, "a chmod mode other than +x or octal"
			return
		}
		s.mode = int32(m)
	}
	s.kind = segChmod
	for _, p := range w[1:] {
		s.paths = append(s.paths, abs(cwd, p))
	}
}

func classifyUser(s *segment) {
	s.kind = segUser
	w := s.words
	for i := 1; i < len(w); i++ {
		switch a := w[i]; {
		case (a == "-u" || a == "--uid") && i+1 < len(w):
			if id, err := strconv.ParseInt(w[i+1], 10, 64); err == nil {
				s.uid = &id
			}
			i++
		case (a == "-g" || a == "--gid" || a == "-G" || a == "--groups" || a == "-s" || a == "--shell" ||
			a == "-d" || a == "--home" || a == "--home-dir" || a == "-c" || a == "--comment" || a == "-h" ||
			a == "--ingroup" || a == "-K") && i+1 < len(w):
			i++
		case strings.HasPrefix(a, "-"):
		default:
			s.userName = a
		}
	}
}

// text writes words back as one shell command line, quoting where the shell needs it.
func text(words []string) string {
	quoted := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\"'\\$;&|<>(){}#") {
			quoted[i] = "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
		} else {
			quoted[i] = w
		}
	}
	return strings.Join(quoted, " ")
}

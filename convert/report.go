package convert

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// report writes CONVERSION.md: one row per instruction, then the known helpers used and
// the package's files.
func (c *converter) report(files map[string][]byte) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "# Conversion of %s\n\n", c.dockerfileName())
	if c.build {
		fmt.Fprintf(&b, "**Something must still be built** (`unbake convert` exit status 3): %s holds what no\n"+
			"Kubernetes feature replaces, and gen-kaniko-job.yaml builds it in the cluster. Rows marked\n"+
			"`build` say why.\n\n", reducedDockerfile)
	} else {
		b.WriteString("**Nothing is left to build** (`unbake convert` exit status 0): the workload runs the base\n" +
			"image, and the package's functions add what the Dockerfile baked in.\n\n")
	}
	b.WriteString("Sure: `sure` is what the instruction means; `likely` holds unless the image differs from the\n" +
		"usual; `guess` needs your check; `build` is kept in the build; `report` has no Kubernetes\n" +
		"counterpart that the package sets.\n\n")
	b.WriteString("| line | instruction | replaced by | sure | check |\n|---:|---|---|---|---|\n")
	for _, r := range c.rows {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", r.line, cell("`"+clip(r.instruction, 100)+"`"), cell(r.replaced), r.certainty, cell(r.check))
	}
	if used := c.helpersUsed(); len(used) > 0 {
		b.WriteString("\n## Known helpers\n\nFrom the table of known packages (convert/helpers.yaml):\n\n")
		for _, h := range used {
			g := ""
			if h.Guess {
				g = " (a guess)"
			}
			fmt.Fprintf(&b, "- %s → %s%s: %s.\n", strings.Join(h.Packages, ", "), h.Replace, g, h.Reason)
		}
	}
	if len(c.checks) > 0 {
		b.WriteString("\n## Also check\n\n")
		for _, ch := range c.checks {
			fmt.Fprintf(&b, "- %s\n", ch)
		}
	}
	b.WriteString("\n## The package\n\n")
	var names []string
	for name := range files {
		if !strings.HasPrefix(name, filesDir+"/") {
			names = append(names, name)
		}
	}
	names = append(names, "CONVERSION.md")
	slices.Sort(names)
	if len(c.copies) > 0 {
		names = append(names, filesDir+"/ (the COPYed files, read by ScriptsToConfigMap)")
	}
	for _, n := range names {
		fmt.Fprintf(&b, "- %s\n", n)
	}
	b.WriteString("\nRender it with kpt (`kpt fn render --allow-exec`), kustomize (`kustomize build\n" +
		"--enable-alpha-plugins --enable-exec .`) or unbake alone (a Pipeline of the Kptfile's\n" +
		"configs, `unbake run -f pipeline.yaml .`), with the unbake functions on PATH.\n")
	return []byte(b.String())
}

// helpersUsed lists the helper entries some RUN of the Dockerfile installed, in table order.
func (c *converter) helpersUsed() []*helper {
	seen := map[*helper]bool{}
	for _, s := range c.sidecars {
		seen[s.helper] = true
	}
	for _, h := range c.installed {
		seen[h] = true
	}
	var used []*helper
	for i := range helpers {
		if seen[&helpers[i]] {
			used = append(used, &helpers[i])
		}
	}
	return used
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

// Write puts the package into dir atomically: it is built in a temporary directory
// beside dir and renamed into place, so a failure leaves nothing behind. dir must not
// exist, or be empty.
func Write(p *Package, dir string) (err error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("-o %s exists and is not empty: remove it or choose another directory", dir)
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".unbake-convert-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, data := range p.Files {
		file := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(file, data, 0o644); err != nil {
			return err
		}
	}
	// An empty directory from an earlier failed run may stand in the way of the rename.
	if err := os.Remove(dir); err != nil && !os.IsNotExist(err) {
		return err
	}
	return os.Rename(tmp, dir)
}

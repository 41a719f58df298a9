//go:build e2e && containers && release

package e2e

import (
	"archive/tar"
	"bufio"
	"bytes"
	"crypto/sha256"
	"debug/elf"
	"debug/macho"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// release is what dist/release.yaml says.
type release struct {
	Version string         `yaml:"version"`
	Commit  string         `yaml:"commit"`
	Images  []releaseImage `yaml:"images"`
}

type releaseImage struct {
	Name      string `yaml:"name"`
	Image     string `yaml:"image"`
	Digest    string `yaml:"digest"`
	SBOM      string `yaml:"sbom"`
	Platforms []struct {
		Platform       string `yaml:"platform"`
		Digest         string `yaml:"digest"`
		CompressedSize int64  `yaml:"compressedSize"`
		SBOM           string `yaml:"sbom"`
	} `yaml:"platforms"`
}

var (
	imagePlatforms  = []string{"linux/amd64", "linux/arm64"}
	binaryPlatforms = []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64"}
)

// TestRelease runs `make release` against a registry on loopback, twice: in this tree and
// in a copy of its tracked files elsewhere, with the same commit and time, and requires the
// same digests and checksums. Then it checks what was released: both platforms and the OCI
// labels of every image, the SBOMs, the binaries (static, of their platform, as SHA256SUMS
// says, the images' own), `make pin`, and runs the linux/arm64 binaries (qemu-aarch64-static)
// and images (podman, through binfmt_misc) on every example: their output must equal
// expected.yaml and the linux/amd64 binaries' output.
func TestRelease(t *testing.T) {
	crane := toolEnv(t, "CRANE")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	registry := serveRegistry(t, crane) + "/unbake"

	distA := filepath.Join(t.TempDir(), "dist")
	makeRelease(t, root, "REGISTRY="+registry, "DIST="+distA, "DIRTY_OK=1")
	rel := readRelease(t, filepath.Join(distA, "release.yaml"))

	t.Run("reproducible", func(t *testing.T) {
		src := copyTracked(t, root)
		epoch := strings.TrimSpace(output(t, root, "git", "log", "-1", "--format=%ct"))
		distB := filepath.Join(t.TempDir(), "dist")
		makeRelease(t, src, "REGISTRY="+registry, "DIST="+distB, "DIRTY_OK=1", "COMMIT="+rel.Commit,
			"SOURCE_DATE_EPOCH="+epoch, "TOOLS="+filepath.Join(root, ".tools", "bin"))
		for _, file := range []string{"release.yaml", "SHA256SUMS"} {
			a, b := readFile(t, filepath.Join(distA, file)), readFile(t, filepath.Join(distB, file))
			if a != b {
				t.Errorf("two builds of the same commit wrote different %s\n%s", file, firstDiff(a, b))
			}
		}
	})

	t.Run("images", func(t *testing.T) { checkImages(t, crane, rel, readFile(t, filepath.Join(root, "VERSION"))) })
	t.Run("binaries", func(t *testing.T) { checkBinaries(t, distA, rel) })
	t.Run("image binaries are dist's", func(t *testing.T) { checkImageBinaries(t, crane, distA, rel) })
	pinned := filepath.Join(t.TempDir(), "pinned")
	t.Run("pin", func(t *testing.T) { checkPinned(t, root, distA, pinned, rel) })

	// The examples, rendered by the binaries of both architectures.
	amd64, arm64 := binaryDir(t, distA, "amd64"), binaryDir(t, distA, "arm64")
	for _, dir := range examples(t) {
		t.Run("binaries/"+filepath.Base(dir), func(t *testing.T) {
			want := readGolden(t, filepath.Join(dir, "expected.yaml"))
			onAMD64, onARM64 := renderExample(t, dir, amd64), renderExample(t, dir, arm64)
			for how, got := range onARM64 {
				if got != want {
					t.Errorf("linux/arm64 binaries (%s) render other objects than expected.yaml\n%s", how, firstDiff(want, got))
				}
				if got != onAMD64[how] {
					t.Errorf("linux/arm64 and linux/amd64 binaries (%s) render different objects\n%s", how, firstDiff(onAMD64[how], got))
				}
			}
		})
	}

	t.Run("arm64 images", func(t *testing.T) {
		if !binfmtAArch64() {
			t.Skip("binfmt_misc has no enabled qemu-aarch64 handler (make qemu registers it): " +
				"the linux/arm64 images were built and their binaries checked and run, but the images were not run")
		}
		podman := setupPodman(t)
		imageRepo, imageTag = registry, rel.Version
		for _, img := range rel.Images {
			ref := imageOf(img.Name)
			if _, stderr, err := run(t, ".", podman, "pull", "-q", "--tls-verify=false", "--platform", "linux/arm64", ref); err != nil {
				t.Fatalf("podman pull %s: %v\n%s", ref, err, stderr)
			}
			t.Cleanup(func() { _, _, _ = run(t, ".", podman, "rmi", "-f", ref) })
			if arch, _, _ := run(t, ".", podman, "image", "inspect", "--format", "{{.Architecture}}", ref); strings.TrimSpace(arch) != "arm64" {
				t.Fatalf("podman pulled %s for %q, not arm64", ref, strings.TrimSpace(arch))
			}
			out, stderr, err := run(t, ".", podman, "run", "--rm", ref, "--version")
			if err != nil || !strings.Contains(out, " "+rel.Version+" ") || !strings.Contains(out, "linux/arm64") {
				t.Fatalf("podman run %s --version: %v %q %s", ref, err, out, stderr)
			}
		}
		for _, dir := range examples(t) {
			t.Run(filepath.Base(dir), func(t *testing.T) {
				renderWithImages(t, dir)
				// The package of make pin: its Kptfile runs each step's image by digest.
				t.Run("kpt-pinned", func(t *testing.T) {
					pkg := filepath.Join(pinned, "examples", filepath.Base(dir), "package")
					pkg = filepath.Join(copyExample(t, filepath.Dir(pkg)), "package")
					got := emit(t, checkRan(t, dir, renderPinned(t, pkg)))
					if want := readGolden(t, filepath.Join(dir, "expected.yaml")); got != want {
						t.Errorf("the pinned package renders other objects than expected.yaml\n%s", firstDiff(want, got))
					}
				})
			})
		}
	})
}

func toolEnv(t *testing.T, name string) string {
	t.Helper()
	path, err := toolFromEnv(name, false)
	if err != nil {
		t.Fatalf("%v (make release-test sets it)", err)
	}
	return path
}

// serveRegistry serves a registry on a free loopback port until the test ends.
func serveRegistry(t *testing.T, crane string) string {
	t.Helper()
	cmd := exec.Command(crane, "registry", "serve", "--address", "127.0.0.1:0")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	port := regexp.MustCompile(`serving on port (\d+)`)
	scanner := bufio.NewScanner(stderr)
	for scanner.Scan() {
		if m := port.FindStringSubmatch(scanner.Text()); m != nil {
			go func() { _, _ = io.Copy(io.Discard, stderr) }()
			return "127.0.0.1:" + m[1]
		}
	}
	t.Fatalf("crane registry serve printed no port")
	return ""
}

// makeRelease runs make release in dir.
func makeRelease(t *testing.T, dir string, vars ...string) {
	t.Helper()
	cmd := exec.Command("make", append([]string{"-C", dir, "--no-print-directory", "release"}, vars...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("make release in %s: %v\n%s", dir, err, out.String())
	}
	t.Logf("make release in %s:\n%s", dir, out.String())
}

// copyTracked copies the files git tracks, as they are in the tree, into a new directory.
func copyTracked(t *testing.T, root string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "src")
	for _, name := range strings.Split(strings.TrimRight(output(t, root, "git", "ls-files", "-z"), "\x00"), "\x00") {
		info, err := os.Lstat(filepath.Join(root, name))
		if os.IsNotExist(err) {
			continue // deleted in the tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if info.Mode()&os.ModeSymlink != 0 {
			target, err := os.Readlink(filepath.Join(root, name))
			if err == nil {
				err = os.Symlink(target, filepath.Join(dst, name))
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(dst, name), []byte(readFile(t, filepath.Join(root, name))), info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func output(t *testing.T, dir, name string, args ...string) string {
	t.Helper()
	stdout, stderr, err := run(t, dir, name, args...)
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return stdout
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readRelease(t *testing.T, path string) release {
	t.Helper()
	var rel release
	if err := yaml.Unmarshal([]byte(readFile(t, path)), &rel); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var names []string
	for _, img := range rel.Images {
		names = append(names, img.Name)
	}
	if want := imageNames(); !sameSet(names, want) {
		t.Fatalf("%s lists the images %v, want %v", path, names, want)
	}
	return rel
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// checkImages: every image is an index of both platforms, tagged with the version, with
// the digest release.yaml gives; each platform carries the OCI labels, and every index and
// manifest an SPDX SBOM.
func checkImages(t *testing.T, crane string, rel release, version string) {
	version = strings.TrimSpace(version)
	if rel.Version != version {
		t.Errorf("release.yaml says version %s, VERSION %s", rel.Version, version)
	}
	for _, img := range rel.Images {
		t.Run(img.Name, func(t *testing.T) {
			ref, _, _ := strings.Cut(img.Image, "@")
			if !strings.HasSuffix(ref, "/"+img.Name+":"+version) || !strings.HasSuffix(img.Image, "@"+img.Digest) {
				t.Errorf("image %s is not <registry>/%s:%s@%s", img.Image, img.Name, version, img.Digest)
			}
			if got := strings.TrimSpace(output(t, ".", crane, "digest", ref)); got != img.Digest {
				t.Errorf("%s has the digest %s, release.yaml says %s", ref, got, img.Digest)
			}
			var index struct {
				MediaType string `json:"mediaType"`
				Manifests []struct {
					Digest   string `json:"digest"`
					Platform struct {
						OS           string `json:"os"`
						Architecture string `json:"architecture"`
					} `json:"platform"`
				} `json:"manifests"`
			}
			manifest := output(t, ".", crane, "manifest", ref)
			if err := json.Unmarshal([]byte(manifest), &index); err != nil {
				t.Fatalf("crane manifest %s: %v\n%s", ref, err, manifest)
			}
			if index.MediaType != "application/vnd.oci.image.index.v1+json" {
				t.Errorf("%s is a %s, not an OCI image index", ref, index.MediaType)
			}
			var platforms []string
			digests := map[string]string{}
			for _, m := range index.Manifests {
				p := m.Platform.OS + "/" + m.Platform.Architecture
				platforms = append(platforms, p)
				digests[p] = m.Digest
			}
			if !sameSet(platforms, imagePlatforms) {
				t.Errorf("crane manifest %s shows the platforms %v, want %v", ref, platforms, imagePlatforms)
			}
			checkSBOM(t, crane, img.SBOM)
			for _, p := range img.Platforms {
				if p.Digest != digests[p.Platform] {
					t.Errorf("%s %s: release.yaml says %s, the index %s", ref, p.Platform, p.Digest, digests[p.Platform])
				}
				checkSBOM(t, crane, p.SBOM)
				var config struct {
					Architecture string `json:"architecture"`
					Config       struct {
						User   string            `json:"User"`
						Labels map[string]string `json:"Labels"`
					} `json:"config"`
				}
				if err := json.Unmarshal([]byte(output(t, ".", crane, "config", "--platform", p.Platform, ref)), &config); err != nil {
					t.Fatal(err)
				}
				wantLabels := map[string]string{
					"org.opencontainers.image.version":  version,
					"org.opencontainers.image.revision": rel.Commit,
					"org.opencontainers.image.source":   "https://github.com/unbake/unbake",
					"org.opencontainers.image.title":    img.Name,
				}
				for k, v := range wantLabels {
					if config.Config.Labels[k] != v {
						t.Errorf("%s %s: label %s is %q, want %q", ref, p.Platform, k, config.Config.Labels[k], v)
					}
				}
				if "linux/"+config.Architecture != p.Platform || config.Config.User != "65534:65534" {
					t.Errorf("%s %s: architecture %s, user %q", ref, p.Platform, config.Architecture, config.Config.User)
				}
				t.Logf("%-24s %-12s %6.2f MiB compressed", img.Name, p.Platform, float64(p.CompressedSize)/(1<<20))
			}
		})
	}
}

// checkSBOM: ref is ko's SBOM, an SPDX document.
func checkSBOM(t *testing.T, crane, ref string) {
	t.Helper()
	if ref == "" {
		t.Errorf("release.yaml names no SBOM")
		return
	}
	if m := output(t, ".", crane, "manifest", ref); !strings.Contains(m, `"mediaType":"text/spdx+json"`) {
		t.Errorf("%s is no SPDX SBOM:\n%s", ref, m)
	}
}

// checkBinaries: dist holds every program for every platform, static, of its platform, and
// release.yaml, each as SHA256SUMS says; the binaries print the version.
func checkBinaries(t *testing.T, dist string, rel release) {
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, filepath.Join(dist, "SHA256SUMS"))), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS: %q is not <sum>  <file>", line)
		}
		sums[name] = sum
	}
	entries, err := os.ReadDir(dist)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"release.yaml", "SHA256SUMS"}
	programs := append(imageNames(), "unbake-convert") // convert ships beside unbake, without an image
	for _, name := range programs {
		for _, p := range binaryPlatforms {
			want = append(want, name+"-"+strings.ReplaceAll(p, "/", "-"))
		}
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
		if e.Name() == "SHA256SUMS" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dist, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != sums[e.Name()] {
			t.Errorf("%s: sha256 %x, SHA256SUMS says %q", e.Name(), sum, sums[e.Name()])
		}
	}
	if !sameSet(got, want) {
		t.Errorf("dist holds %v, want %v", got, want)
	}
	if len(sums) != len(want)-1 {
		t.Errorf("SHA256SUMS lists %d files, want %d", len(sums), len(want)-1)
	}
	for _, name := range programs {
		for _, p := range binaryPlatforms {
			checkBinary(t, filepath.Join(dist, name+"-"+strings.ReplaceAll(p, "/", "-")), p)
		}
	}
	for _, name := range []string{"unbake", "unbake-convert"} {
		for arch, runner := range map[string][]string{"amd64": nil, "arm64": {"qemu-aarch64-static"}} {
			args := append(runner, filepath.Join(dist, name+"-linux-"+arch), "--version")
			out := output(t, ".", args[0], args[1:]...)
			want := fmt.Sprintf("%s %s (commit %s, ", name, rel.Version, rel.Commit)
			if !strings.HasPrefix(out, want) || !strings.Contains(out, "linux/"+arch+")") {
				t.Errorf("%s-linux-%s --version printed %q, want %q… linux/%s", name, arch, out, want, arch)
			}
		}
	}
}

// checkBinary: path is an executable of platform; on linux a static one.
func checkBinary(t *testing.T, path, platform string) {
	t.Helper()
	goos, arch, _ := strings.Cut(platform, "/")
	if goos == "darwin" {
		f, err := macho.Open(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		defer f.Close()
		want := map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64}[arch]
		if f.Cpu != want || f.Type != macho.TypeExec {
			t.Errorf("%s: Mach-O %v %v, want an executable for %v", path, f.Cpu, f.Type, want)
		}
		return
	}
	f, err := elf.Open(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	defer f.Close()
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[arch]
	if f.Machine != want {
		t.Errorf("%s: ELF for %v, want %v", path, f.Machine, want)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("%s is not static: it has a %v program header", path, p.Type)
		}
	}
}

// checkImageBinaries: each image's /ko-app/<name>, on each platform, is dist's binary.
func checkImageBinaries(t *testing.T, crane, dist string, rel release) {
	for _, img := range rel.Images {
		for _, p := range imagePlatforms {
			cmd := exec.Command(crane, "export", "--platform", p, img.Image, "-")
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			if err := cmd.Run(); err != nil {
				t.Fatalf("crane export %s: %v\n%s", img.Image, err, errOut.String())
			}
			got, ok := fileInTar(t, &out, "ko-app/"+img.Name)
			if !ok {
				t.Errorf("%s %s has no /ko-app/%s", img.Image, p, img.Name)
				continue
			}
			if want := readFile(t, filepath.Join(dist, img.Name+"-"+strings.ReplaceAll(p, "/", "-"))); string(got) != want {
				t.Errorf("%s %s: /ko-app/%s differs from dist's binary", img.Image, p, img.Name)
			}
		}
	}
}

func fileInTar(t *testing.T, r io.Reader, name string) ([]byte, bool) {
	t.Helper()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, false
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(h.Name, "/") == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b, true
		}
	}
}

// checkPinned: make pin writes into pinnedDir the examples' packages with every Kptfile
// step the image of its function, pinned by digest, and the Argo CD sidecar the unbake
// image, pinned by version and digest.
func checkPinned(t *testing.T, root, dist, pinnedDir string, rel release) {
	if stdout, stderr, err := run(t, root, "make", "--no-print-directory", "pin",
		"RELEASE="+filepath.Join(dist, "release.yaml"), "PINNED="+pinnedDir); err != nil {
		t.Fatalf("make pin: %v\n%s%s", err, stdout, stderr)
	}
	images := map[string]string{}
	for _, img := range rel.Images {
		images[img.Name] = img.Image
	}
	for _, dir := range examples(t) {
		source := kptfileMutators(t, filepath.Join(dir, "package"))
		pinned := kptfileMutators(t, filepath.Join(pinnedDir, "examples", filepath.Base(dir), "package"))
		if len(pinned) != len(source) {
			t.Fatalf("%s: %d steps pinned, %d in the source", dir, len(pinned), len(source))
		}
		for i, m := range pinned {
			// kpt refuses name:tag@digest: a step is name@digest # version.
			tagged, digest, _ := strings.Cut(images[filepath.Base(yaml.GetValue(source[i].Field("exec").Value))], "@")
			want := tagged[:strings.LastIndex(tagged, ":")] + "@" + digest
			image := m.Field("image")
			if image == nil || yaml.GetValue(image.Value) != want || image.Value.YNode().LineComment != "# "+rel.Version || m.Field("exec") != nil {
				t.Errorf("%s step %d is not pinned to image %s # %s:\n%s", filepath.Base(dir), i, want, rel.Version, m.MustString())
			}
		}
	}
	sidecar := readFile(t, filepath.Join(pinnedDir, "pipeline", "argocd", "repo-server-sidecar.yaml"))
	if !strings.Contains(sidecar, "image: "+images["unbake"]+"\n") {
		t.Errorf("the pinned Argo CD sidecar does not run %s:\n%s", images["unbake"], sidecar)
	}
	if strings.Contains(sidecar, "localhost/unbake/") {
		t.Errorf("the pinned Argo CD sidecar still names a localhost/unbake image")
	}
}

// renderPinned renders a pinned package with the images of its Kptfile: kpt fn render, or,
// for a package whose steps read its files, kpt fn eval of each step with the package
// mounted (see readsFiles).
func renderPinned(t *testing.T, pkg string) []*yaml.RNode {
	t.Helper()
	if readsFiles(t, pkg) {
		for _, m := range kptfileMutators(t, pkg) {
			evalWithMount(t, pkg, yaml.GetValue(m.Field("image").Value), yaml.GetValue(m.Field("configPath").Value))
		}
	} else {
		kptRender(t, pkg)
	}
	return readPackage(t, pkg)
}

// binaryDir is a directory of the dist's linux binaries of arch under their own names;
// arm64 ones run through qemu-aarch64-static, named, so that binfmt_misc plays no part.
func binaryDir(t *testing.T, dist, arch string) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range imageNames() {
		binary := filepath.Join(dist, name+"-linux-"+arch)
		var err error
		if arch == "arm64" {
			err = os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\nexec qemu-aarch64-static "+binary+" \"$@\"\n"), 0o755)
		} else {
			err = os.Symlink(binary, filepath.Join(dir, name))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// renderExample renders an example with the binaries in bin, through kustomize, kpt and
// unbake run -f, and returns each rendering, canonical.
func renderExample(t *testing.T, dir, bin string) map[string]string {
	t.Helper()
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	renders := map[string]string{"kustomize": emit(t, checkRan(t, dir, parse(t, renderKustomize(t, dir))))}

	pkg := filepath.Join(copyExample(t, dir), "package")
	if _, stderr, err := run(t, pkg, kpt, "fn", "render", "--allow-exec"); err != nil {
		t.Fatalf("kpt fn render: %v\n%s", err, stderr)
	}
	renders["kpt"] = emit(t, checkRan(t, dir, readPackage(t, pkg)))

	pkg = filepath.Join(copyExample(t, dir), "package")
	writePipeline(t, pkg, filepath.Base(dir))
	stdout, stderr, err := run(t, pkg, filepath.Join(bin, "unbake"), "run", "-f", "pipeline.yaml", ".")
	if err != nil {
		t.Fatalf("unbake run -f: %v\n%s", err, stderr)
	}
	renders["unbake run -f"] = emit(t, checkRan(t, dir, parse(t, stdout)))
	return renders
}

// binfmtAArch64 tells whether the kernel runs linux/arm64 programs through qemu.
func binfmtAArch64() bool {
	b, err := os.ReadFile("/proc/sys/fs/binfmt_misc/qemu-aarch64")
	return err == nil && strings.HasPrefix(string(b), "enabled")
}

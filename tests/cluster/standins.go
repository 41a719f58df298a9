package cluster

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// StandIn is an image the examples name, built here from Debian's packages or from Go,
// and pushed under the upstream name. The node tests' README lists what each mimics.
type StandIn struct {
	// Refs are the upstream names it is pushed as.
	Refs []string
	// Layer writes its file system into a tar file at path, in dir.
	Layer func(dir, path string) error
	// Settings are files laid over it, by path: what points the stand-in at the node's
	// servers.
	Settings map[string]string
	// Config is crane mutate's flags.
	Config []string
}

const defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// StandInSources are what the Makefile made for the stand-ins (the root file systems of
// node/standins/*-rootfs.sh, and a static kubectl) and the node's servers that stand in
// for GitHub and PyPI.
type StandInSources struct {
	NginxRootfs, PythonRootfs, Kubectl, KanikoExecutor string
	Git, PackageIndex                                  *Server
}

// StandIns are the images the examples run.
func StandIns(src StandInSources) []StandIn {
	return []StandIn{
		{Refs: []string{"registry.k8s.io/pause:3.10"}, Layer: goProgram("pause", "/pause"),
			Config: []string{"--entrypoint", "/pause"}},
		{Refs: []string{"docker.io/library/busybox:1.37.0", "docker.io/library/busybox:1.37.0-musl"}, Layer: busybox,
			Config: []string{"--cmd", "sh", "--env", defaultPath}},
		{Refs: []string{"docker.io/library/nginx:1.27.3-alpine"}, Layer: copyFile(src.NginxRootfs),
			Config: []string{"--cmd", "nginx,-g,daemon off;", "--exposed-ports", "80/tcp", "--env", defaultPath}},
		{Refs: []string{"docker.io/library/python:3.13.1-slim", "docker.io/library/python:3.13.1-slim-bookworm"}, Layer: copyFile(src.PythonRootfs),
			Settings: map[string]string{"etc/pip.conf": pipConf(src.PackageIndex)},
			Config:   []string{"--cmd", "python3", "--env", defaultPath, "--env", "LANG=C.UTF-8"}},
		{Refs: []string{"docker.io/alpine/git:2.47.2"}, Layer: copyFile(src.PythonRootfs),
			Settings: map[string]string{"etc/gitconfig": gitConfig(src.Git)},
			Config:   []string{"--entrypoint", "git", "--env", defaultPath}},
		{Refs: []string{"registry.k8s.io/kubectl:v1.33.6"}, Layer: files(TarEntry{Name: "bin", Mode: 0o755},
			TarEntry{Name: "tmp", Mode: 0o1777}, TarEntry{Name: "bin/kubectl", Source: src.Kubectl, Mode: 0o755}),
			Config: []string{"--entrypoint", "kubectl", "--env", defaultPath}},
		{Refs: []string{"ghcr.io/osscontainertools/kaniko:v1.28.3"}, Layer: files(
			TarEntry{Name: "kaniko", Mode: 0o777}, TarEntry{Name: "kaniko/.docker", Mode: 0o755},
			TarEntry{Name: "kaniko/ssl", Mode: 0o755}, TarEntry{Name: "kaniko/ssl/certs", Mode: 0o755},
			TarEntry{Name: "kaniko/ssl/certs/ca-certificates.crt", Source: "/etc/ssl/certs/ca-certificates.crt", Mode: 0o644},
			TarEntry{Name: "kaniko/executor", Source: src.KanikoExecutor, Mode: 0o755},
			TarEntry{Name: "etc", Mode: 0o755}, TarEntry{Name: "etc/nsswitch.conf", Content: "hosts: files dns\n"},
			TarEntry{Name: "workspace", Mode: 0o755}),
			Config: []string{"--entrypoint", "/kaniko/executor", "--workdir", "/workspace", "--env", "HOME=/root", "--env", "USER=root",
				"--env", "PATH=/usr/local/bin:/kaniko", "--env", "SSL_CERT_DIR=/kaniko/ssl/certs", "--env", "DOCKER_CONFIG=/kaniko/.docker/"}},
		{Refs: []string{"docker.io/tensorflow/tensorflow:2.18.0"}, Layer: goProgram("tensorboard", "/usr/local/bin/tensorboard"),
			Config: []string{"--env", defaultPath, "--cmd", "tensorboard,--logdir,/tmp"}},
	}
}

// PushStandIns builds every stand-in and pushes it to the node's registry.
func (n *Node) PushStandIns(standIns []StandIn) error {
	dir := n.path("stand-ins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range standIns {
		base := filepath.Join(dir, strings.ReplaceAll(strings.ReplaceAll(s.Refs[0], "/", "_"), ":", "_"))
		layers := []string{base + ".tar"}
		if err := s.Layer(dir, layers[0]); err != nil {
			return err
		}
		if len(s.Settings) > 0 {
			var entries []TarEntry
			for path, content := range s.Settings {
				entries = append(entries, TarEntry{Name: path, Content: content})
			}
			layers = append(layers, base+"-settings.tar")
			if err := WriteTar(layers[1], entries); err != nil {
				return err
			}
		}
		for _, ref := range s.Refs {
			if err := n.PushImage(ref, layers, s.Config...); err != nil {
				return err
			}
		}
	}
	return nil
}

// pipConf makes pip install from the node's package index instead of PyPI.
func pipConf(index *Server) string {
	host := strings.TrimSuffix(strings.TrimPrefix(index.URL, "http://"), "/")
	return fmt.Sprintf("[global]\nindex-url = %ssimple/\ntrusted-host = %s\n", index.URL, host)
}

// gitConfig sends git's requests for GitHub repositories to the node's git server.
func gitConfig(git *Server) string {
	return fmt.Sprintf("[url %q]\n\tinsteadOf = https://github.com/\n", git.URL)
}

// goProgram builds node/standins/<name> as a static program at path in the image, with
// a /tmp as images have.
func goProgram(name, path string) func(dir, layer string) error {
	return func(dir, layer string) error {
		program := filepath.Join(dir, name)
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", program,
			"github.com/unbake/unbake/tests/cluster/node/standins/"+name)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building the %s stand-in: %v: %s", name, err, out)
		}
		entries := []TarEntry{{Name: "tmp", Mode: 0o1777}}
		for d := filepath.Dir(strings.TrimPrefix(path, "/")); d != "."; d = filepath.Dir(d) {
			entries = append([]TarEntry{{Name: d, Mode: 0o755}}, entries...)
		}
		return WriteTar(layer, append(entries, TarEntry{Name: strings.TrimPrefix(path, "/"), Source: program, Mode: 0o755}))
	}
}

// busybox is Debian's static BusyBox with a link for each applet, and a root user.
func busybox(dir, layer string) error {
	etc := filepath.Join(dir, "busybox-etc")
	if err := writeFile(filepath.Join(etc, "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(etc, "group"), "root:x:0:\nnobody:x:65534:\n"); err != nil {
		return err
	}
	entries := []TarEntry{{Name: "bin", Mode: 0o755}, {Name: "etc", Mode: 0o755}, {Name: "tmp", Mode: 0o1777},
		{Name: "root", Mode: 0o700}, {Name: "bin/busybox", Source: "/bin/busybox", Mode: 0o755},
		{Name: "etc/passwd", Source: filepath.Join(etc, "passwd"), Mode: 0o644},
		{Name: "etc/group", Source: filepath.Join(etc, "group"), Mode: 0o644}}
	applets, err := output("/bin/busybox", "--list")
	if err != nil {
		return err
	}
	for _, applet := range strings.Fields(applets) {
		if applet != "busybox" {
			entries = append(entries, TarEntry{Name: "bin/" + applet, Link: "busybox"})
		}
	}
	return WriteTar(layer, entries)
}

// files is a layer of the given entries.
func files(entries ...TarEntry) func(dir, layer string) error {
	return func(dir, layer string) error { return WriteTar(layer, entries) }
}

// copyFile uses a tar file made elsewhere as the layer.
func copyFile(source string) func(dir, layer string) error {
	return func(dir, layer string) error { return os.Symlink(source, layer) }
}

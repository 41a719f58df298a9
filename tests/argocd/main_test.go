// Package argocd tests unbake's Argo CD config management plugin (pipeline/argocd) with
// the real argocd-cmp-server, built from the module proxy (cmd/argocd-cmp-server), and a
// client that calls it as Argo CD's repo-server does: plugin discovery over the sockets,
// then GenerateManifest with the repository streamed as a tarball.
//
// Run it with `make e2e-argocd`: it builds the server and the unbake binaries and sets
// ARGOCD_CMP_SERVER, UNBAKE_BIN and KUSTOMIZE.
package argocd

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The programs under test, from the environment set by `make e2e-argocd`.
var (
	cmpServer string // argocd-cmp-server
	unbake    string // the multi-call unbake binary
	kustomize string
)

// repoRoot is the unbake repository (go test runs in tests/argocd).
var repoRoot = filepath.Join("..", "..")

func TestMain(m *testing.M) { os.Exit(run(m)) }

// run starts the plugin server for the tests and stops it whatever they do.
func run(m *testing.M) int {
	if err := setup(); err != nil {
		fmt.Fprintf(os.Stderr, "argocd: %v\nrun these tests with `make e2e-argocd`: it builds argocd-cmp-server and unbake, "+
			"installs kustomize and sets ARGOCD_CMP_SERVER, UNBAKE_BIN and KUSTOMIZE\n", err)
		return 1
	}
	srv, err := startServer()
	if err != nil {
		fmt.Fprintf(os.Stderr, "argocd: starting argocd-cmp-server: %v\n", err)
		return 1
	}
	code := m.Run()
	if code != 0 {
		fmt.Fprintf(os.Stderr, "argocd-cmp-server's log:\n%s\n", srv.log())
	}
	if err := srv.stop(); err != nil {
		fmt.Fprintf(os.Stderr, "argocd: stopping argocd-cmp-server: %v\n", err)
		code = 1
	}
	return code
}

func setup() error {
	var err error
	if cmpServer, err = executableFromEnv("ARGOCD_CMP_SERVER", ""); err != nil {
		return err
	}
	if kustomize, err = executableFromEnv("KUSTOMIZE", ""); err != nil {
		return err
	}
	unbake, err = executableFromEnv("UNBAKE_BIN", "unbake")
	return err
}

// executableFromEnv is the absolute path in the environment variable name, joined with
// file unless it is "", and checks that it is an executable.
func executableFromEnv(name, file string) (string, error) {
	value := os.Getenv(name)
	if value == "" {
		return "", fmt.Errorf("%s is not set", name)
	}
	path, err := filepath.Abs(filepath.Join(value, file))
	if err == nil {
		err = executable(path)
	}
	if err != nil {
		return "", fmt.Errorf("%s=%s: %v", name, value, err)
	}
	return path, nil
}

func executable(path string) error {
	info, err := os.Stat(path)
	if err == nil && (info.IsDir() || info.Mode().Perm()&0o111 == 0) {
		err = fmt.Errorf("%s is not an executable file", path)
	}
	return err
}

// server is argocd-cmp-server running as the sidecar runs it: plugin.yaml in its config
// directory, its socket in the plugins directory the repo-server scans, a work directory
// and a temporary directory of its own, and nothing on PATH but unbake and kustomize.
type server struct {
	cmd     *exec.Cmd
	dir     string
	socket  string
	logFile string
	exited  chan error
}

// pluginName is metadata.name in plugin.yaml: the server listens on <name>.sock.
const pluginName = "unbake"

func startServer() (*server, error) {
	// Short: a unix socket path has at most 107 bytes.
	dir, err := os.MkdirTemp("", "argocd-cmp-")
	if err != nil {
		return nil, err
	}
	s := &server{dir: dir, logFile: filepath.Join(dir, "server.log"), exited: make(chan error, 1)}
	paths := map[string]string{}
	for _, sub := range []string{"config", "plugins", "work", "tmp", "bin"} {
		paths[sub] = filepath.Join(dir, sub)
		if err := os.Mkdir(paths[sub], 0o755); err != nil {
			return nil, errors.Join(err, os.RemoveAll(dir))
		}
	}
	plugin, err := os.ReadFile(filepath.Join(repoRoot, "pipeline", "argocd", "plugin.yaml"))
	if err == nil {
		err = errors.Join(os.WriteFile(filepath.Join(paths["config"], "plugin.yaml"), plugin, 0o644),
			os.Symlink(unbake, filepath.Join(paths["bin"], "unbake")),
			os.Symlink(kustomize, filepath.Join(paths["bin"], "kustomize")))
	}
	log, err2 := os.Create(s.logFile)
	if err = errors.Join(err, err2); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	defer log.Close()

	s.cmd = exec.Command(cmpServer, "--config-dir-path", paths["config"], "--logformat", "text")
	s.cmd.Env = []string{
		"PATH=" + paths["bin"],
		"HOME=" + dir,
		"TMPDIR=" + paths["tmp"],
		"ARGOCD_PLUGINSOCKFILEPATH=" + paths["plugins"],
		"ARGOCD_CMP_WORKDIR=" + paths["work"],
	}
	s.cmd.Stdout, s.cmd.Stderr = log, log
	// Killed with the test binary if it dies before stopping the server.
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	go func() { s.exited <- s.cmd.Wait() }()
	// The client finds the plugins where the repo-server does.
	if err := os.Setenv("ARGOCD_PLUGINSOCKFILEPATH", paths["plugins"]); err != nil {
		return nil, errors.Join(err, s.stop())
	}
	s.socket = filepath.Join(paths["plugins"], pluginName+".sock")
	if err := s.waitForSocket(); err != nil {
		return nil, errors.Join(err, fmt.Errorf("log:\n%s", s.log()), s.stop())
	}
	return s, nil
}

func (s *server) waitForSocket() error {
	deadline := time.After(time.Minute)
	for {
		if info, err := os.Stat(s.socket); err == nil && info.Mode()&os.ModeSocket != 0 {
			return nil
		}
		select {
		case err := <-s.exited:
			s.exited <- err
			return fmt.Errorf("argocd-cmp-server exited: %v", err)
		case <-deadline:
			return fmt.Errorf("no socket %s after a minute", s.socket)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop ends the server by its PID. On SIGTERM argocd-cmp-server only removes its socket
// and keeps serving until killed (Kubernetes kills it after the grace period), so it
// gets SIGKILL once the socket is gone.
func (s *server) stop() error {
	err := s.cmd.Process.Signal(syscall.SIGTERM)
	for deadline := time.Now().Add(10 * time.Second); err == nil && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, statErr := os.Stat(s.socket); errors.Is(statErr, os.ErrNotExist) {
			break
		}
	}
	if killErr := s.cmd.Process.Kill(); !errors.Is(killErr, os.ErrProcessDone) {
		err = errors.Join(err, killErr)
	}
	if errors.Is(err, os.ErrProcessDone) { // it had exited already
		err = nil
	}
	<-s.exited
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *server) log() string {
	data, err := os.ReadFile(s.logFile)
	if err != nil {
		return err.Error()
	}
	return string(data)
}

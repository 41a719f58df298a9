package apiserver

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// cluster is an etcd and a kube-apiserver on loopback, and a kubeconfig for them.
type cluster struct {
	dir        string
	kubeconfig string
	processes  []*exec.Cmd
}

var (
	kubectl = os.Getenv("KUBECTL")
	testEnv *cluster
)

func TestMain(m *testing.M) {
	code, err := runWithCluster(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "acceptance:", err)
		code = 1
	}
	os.Exit(code)
}

func runWithCluster(m *testing.M) (int, error) {
	apiserver, etcd := os.Getenv("KUBE_APISERVER"), os.Getenv("ETCD")
	for name, path := range map[string]string{"KUBE_APISERVER": apiserver, "ETCD": etcd, "KUBECTL": kubectl} {
		if info, err := os.Stat(path); path == "" || err != nil || info.IsDir() {
			return 1, fmt.Errorf("%s=%q is not a program: run these tests with `make acceptance`", name, path)
		}
	}
	dir, err := os.MkdirTemp("", "unbake-apiserver-")
	if err != nil {
		return 1, err
	}
	defer os.RemoveAll(dir)
	c := &cluster{dir: dir}
	defer c.stop()
	if err := c.start(apiserver, etcd); err != nil {
		return 1, err
	}
	testEnv = c
	return m.Run(), nil
}

func (c *cluster) start(apiserver, etcd string) error {
	clientPort, peerPort, securePort := freePort(), freePort(), freePort()
	etcdURL := "http://127.0.0.1:" + clientPort
	if err := c.spawn("etcd", etcd,
		"--data-dir", filepath.Join(c.dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", "http://127.0.0.1:"+peerPort,
		"--initial-advertise-peer-urls", "http://127.0.0.1:"+peerPort,
		"--initial-cluster", "default=http://127.0.0.1:"+peerPort,
		"--unsafe-no-fsync", "--log-level", "error"); err != nil {
		return err
	}
	if err := waitFor(etcdURL+"/health", 30*time.Second); err != nil {
		return fmt.Errorf("etcd did not become healthy: %w (log: %s)", err, c.log("etcd"))
	}

	const token = "unbake-acceptance-token"
	tokens := filepath.Join(c.dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(token+",admin,admin,system:masters\n"), 0o600); err != nil {
		return err
	}
	key, pub, err := serviceAccountKeys(c.dir)
	if err != nil {
		return err
	}
	if err := c.spawn("kube-apiserver", apiserver,
		"--etcd-servers", etcdURL,
		"--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", securePort,
		"--cert-dir", filepath.Join(c.dir, "certs"),
		"--token-auth-file", tokens, "--authorization-mode", "RBAC",
		"--service-account-key-file", pub, "--service-account-signing-key-file", key,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-cluster-ip-range", "10.96.0.0/24", "--endpoint-reconciler-type", "none",
		"--enable-priority-and-fairness=false"); err != nil {
		return err
	}
	server := "https://127.0.0.1:" + securePort
	if err := waitFor(server+"/readyz", 120*time.Second); err != nil {
		return fmt.Errorf("kube-apiserver did not become ready: %w (log: %s)", err, c.log("kube-apiserver"))
	}
	c.kubeconfig = filepath.Join(c.dir, "kubeconfig")
	return os.WriteFile(c.kubeconfig, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: %q, insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: %q}
contexts:
- name: local
  context: {cluster: local, user: admin}
current-context: local
`, server, token)), 0o600)
}

// spawn starts a program in its own process group, logging to a file in the temp dir.
func (c *cluster) spawn(name, path string, args ...string) error {
	logFile, err := os.Create(filepath.Join(c.dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(path, args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", name, err)
	}
	c.processes = append(c.processes, cmd)
	return nil
}

// stop ends every process by its PID, the API server before etcd.
func (c *cluster) stop() {
	for i := len(c.processes) - 1; i >= 0; i-- {
		p := c.processes[i]
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = p.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-done
		}
	}
}

func (c *cluster) log(name string) string {
	data, _ := os.ReadFile(filepath.Join(c.dir, name+".log"))
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}

// kubectl runs kubectl against the cluster and returns its combined output.
func (c *cluster) kubectl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, kubectl, append([]string{"--kubeconfig", c.kubeconfig}, args...)...).CombinedOutput()
	return string(out), err
}

func serviceAccountKeys(dir string) (keyPath, pubPath string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	keyPath, pubPath = filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return "", "", err
	}
	return keyPath, pubPath, os.WriteFile(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o600)
}

// freePort asks the kernel for a free loopback port.
func freePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// waitFor polls url until it answers 200, for at most timeout.
func waitFor(url string, timeout time.Duration) error {
	client := &http.Client{Timeout: 2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(timeout)
	var last string
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("%s: no 200 within %s (last: %s)", url, timeout, strings.TrimSpace(last))
}

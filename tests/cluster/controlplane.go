package cluster

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
	"time"
)

// ServiceCIDR is the range of the clusters' Service IPs; the first is the API server's.
const ServiceCIDR = "10.96.0.0/24"

// ControlPlane is an etcd and a kube-apiserver, and an admin kubeconfig for them.
type ControlPlane struct {
	// Server is the API server's URL, Kubeconfig an admin's kubeconfig for it.
	Server, Kubeconfig string
	// CA signed the API server's serving certificate and the clients' certificates it
	// accepts.
	CA *CA
	// ServiceAccountKey signs service account tokens, for the controller-manager.
	ServiceAccountKey string
	procs             *Processes
	kubectl           string
}

// ControlPlaneOptions say what to run and how.
type ControlPlaneOptions struct {
	// Etcd and APIServer are the programs, Kubectl the client that Kubectl runs.
	Etcd, APIServer, Kubectl string
	// Address is where the API server listens and what it advertises to pods.
	Address string
	// ForNode authorizes kubelets as the Node authorizer does and gives the API server a
	// client certificate for calling them; without it, there is no node, and the
	// kubernetes Service has no endpoints.
	ForNode bool
}

// adminToken authenticates the admin kubeconfig: the acceptance tests' and the node's
// controllers (the kubelet has a certificate of its own).
const adminToken = "unbake-test-admin-token"

// StartControlPlane starts etcd and kube-apiserver with procs (whose Dir holds their
// files) and waits until the API server is ready.
func StartControlPlane(procs *Processes, o ControlPlaneOptions) (*ControlPlane, error) {
	dir := procs.Dir
	c := &ControlPlane{procs: procs, kubectl: o.Kubectl}
	var err error
	if c.CA, err = NewCA(dir); err != nil {
		return nil, err
	}
	clientPort, peerPort, securePort := FreePort(), FreePort(), FreePort()
	etcdURL := "http://127.0.0.1:" + clientPort
	if err := procs.Spawn("etcd", o.Etcd,
		"--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", etcdURL, "--advertise-client-urls", etcdURL,
		"--listen-peer-urls", "http://127.0.0.1:"+peerPort,
		"--initial-advertise-peer-urls", "http://127.0.0.1:"+peerPort,
		"--initial-cluster", "default=http://127.0.0.1:"+peerPort,
		"--unsafe-no-fsync", "--log-level", "error"); err != nil {
		return nil, err
	}
	if err := WaitForURL(etcdURL+"/health", 30*time.Second); err != nil {
		return nil, fmt.Errorf("etcd did not become healthy: %w (log: %s)", err, procs.Log("etcd"))
	}
	args, err := c.apiServerArgs(dir, o, etcdURL, securePort)
	if err != nil {
		return nil, err
	}
	if err := procs.Spawn("kube-apiserver", o.APIServer, args...); err != nil {
		return nil, err
	}
	c.Server = "https://" + net.JoinHostPort(o.Address, securePort)
	if err := WaitForURL(c.Server+"/readyz", 120*time.Second); err != nil {
		return nil, fmt.Errorf("kube-apiserver did not become ready: %w (log: %s)", err, procs.Log("kube-apiserver"))
	}
	c.Kubeconfig = filepath.Join(dir, "kubeconfig")
	return c, c.WriteKubeconfig(c.Kubeconfig, "user: {token: "+strconv.Quote(adminToken)+"}")
}

func (c *ControlPlane) apiServerArgs(dir string, o ControlPlaneOptions, etcdURL, securePort string) ([]string, error) {
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(adminToken+",admin,admin,system:masters\n"), 0o600); err != nil {
		return nil, err
	}
	key, pub, err := serviceAccountKeys(dir)
	if err != nil {
		return nil, err
	}
	c.ServiceAccountKey = key
	serving, servingKey, err := c.CA.Issue("kube-apiserver", "kube-apiserver", nil,
		[]net.IP{net.ParseIP(o.Address), net.ParseIP("127.0.0.1"), net.ParseIP("10.96.0.1")},
		[]string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"})
	if err != nil {
		return nil, err
	}
	args := []string{"--etcd-servers", etcdURL,
		"--bind-address", o.Address, "--advertise-address", o.Address, "--secure-port", securePort,
		"--tls-cert-file", serving, "--tls-private-key-file", servingKey,
		"--token-auth-file", tokens, "--client-ca-file", c.CA.CertFile,
		"--service-account-key-file", pub, "--service-account-signing-key-file", key,
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--service-cluster-ip-range", ServiceCIDR, "--enable-priority-and-fairness=false"}
	if !o.ForNode {
		return append(args, "--authorization-mode", "RBAC", "--endpoint-reconciler-type", "none"), nil
	}
	// The kubelet accepts the API server (logs, exec, port-forward) by this certificate
	// alone: its API has no anonymous access.
	kubeletClient, kubeletClientKey, err := c.CA.Issue("apiserver-kubelet-client", "kube-apiserver-kubelet-client", []string{"system:masters"}, nil, nil)
	if err != nil {
		return nil, err
	}
	return append(args, "--authorization-mode", "Node,RBAC",
		"--kubelet-client-certificate", kubeletClient, "--kubelet-client-key", kubeletClientKey,
		"--kubelet-preferred-address-types", "InternalIP",
		"--service-node-port-range", "30000-32767"), nil
}

// Kubectl runs kubectl as the admin and returns its combined output.
func (c *ControlPlane) Kubectl(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.kubectl, append([]string{"--kubeconfig", c.Kubeconfig}, args...)...).CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("kubectl %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// WriteKubeconfig writes a kubeconfig for the API server that trusts the CA, with the
// user given as YAML ("user: {token: ...}").
func (c *ControlPlane) WriteKubeconfig(path, user string) error {
	return os.WriteFile(path, []byte(fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: local
  cluster: {server: %q, certificate-authority: %q}
users:
- name: user
  %s
contexts:
- name: local
  context: {cluster: local, user: user}
current-context: local
`, c.Server, c.CA.CertFile, user)), 0o600)
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

// FreePort asks the kernel for a free loopback port.
func FreePort() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// WaitForURL polls url until it answers 200, for at most timeout.
func WaitForURL(url string, timeout time.Duration) error {
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

package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	// NodeName is the node's name, NodeIP its address: on the loopback interface.
	NodeName = "unbake-node"
	NodeIP   = "10.250.250.1"
	// bridge is the interface of the pods' network.
	bridge  = "unbake0"
	podCIDR = "10.244.0.0/24"
)

// MirroredRegistries are the registries whose images the node pulls from its local
// registry instead: every registry an example names.
var MirroredRegistries = []string{"docker.io", "registry.k8s.io", "ghcr.io", "quay.io", "gcr.io", "registry.example.com"}

// NodeOptions name the programs a node runs.
type NodeOptions struct {
	Etcd, APIServer, Kubelet, ControllerManager, Scheduler, KubeProxy string
	// Crane serves the local registry and pushes images to it; Kubectl talks to the node.
	Crane, Kubectl string
	// Upstream pulls every image from its own registry instead of the local one, where
	// those registries can be reached.
	Upstream bool
}

// Node is a single-node Kubernetes: a control plane, a kubelet on containerd with runc and
// the CNI bridge plugin, kube-proxy, and a local registry that stands in for every
// registry in MirroredRegistries.
type Node struct {
	*ControlPlane
	Dir string
	// Registry is the local registry's host:port.
	Registry string
	opts     NodeOptions
	procs    *Processes
	host     *hostState
	lock     *os.File
	stopped  bool
}

// lockPath serializes nodes on a machine: two would share the bridge, the address and
// the iptables chains.
const lockPath = "/run/unbake-node.lock"

// StartNode starts a node in a new directory and waits until it is Ready. On an error
// it stops what it started.
func StartNode(o NodeOptions) (n *Node, err error) {
	dir, err := os.MkdirTemp("", "unbake-node-")
	if err != nil {
		return nil, err
	}
	n = &Node{Dir: dir, opts: o, procs: &Processes{Dir: dir}}
	if n.lock, err = lock(lockPath, 20*time.Minute); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w\n%s", err, n.Stop())
		}
	}()
	if n.host, err = saveHost(dir); err != nil {
		return n, err
	}
	if err := n.host.prepare(NodeIP); err != nil {
		return n, err
	}
	if err := n.startRegistry(); err != nil {
		return n, err
	}
	if err := n.startContainerd(); err != nil {
		return n, err
	}
	n.ControlPlane, err = StartControlPlane(n.procs, ControlPlaneOptions{Etcd: o.Etcd, APIServer: o.APIServer, Kubectl: o.Kubectl,
		Address: NodeIP, ForNode: true})
	if err != nil {
		return n, err
	}
	for _, start := range []func() error{n.startControllers, n.startKubelet, n.startKubeProxy} {
		if err := start(); err != nil {
			return n, err
		}
	}
	return n, n.waitReady()
}

func (n *Node) path(parts ...string) string {
	return filepath.Join(append([]string{n.Dir}, parts...)...)
}

func (n *Node) startRegistry() error {
	// On the node's address: kaniko pulls base images from it too, as a mirror.
	n.Registry = net.JoinHostPort(NodeIP, FreePort())
	if err := os.MkdirAll(n.path("registry"), 0o755); err != nil {
		return err
	}
	if err := n.procs.Spawn("registry", n.opts.Crane, "registry", "serve", "--address", n.Registry, "--disk", n.path("registry")); err != nil {
		return err
	}
	if err := WaitForURL("http://"+n.Registry+"/v2/", 30*time.Second); err != nil {
		return fmt.Errorf("the local registry did not start: %w (log: %s)", err, n.procs.Log("registry"))
	}
	return nil
}

// startContainerd writes containerd's configuration, the registry mirrors and the CNI
// network, all under the node's directory, and starts containerd.
func (n *Node) startContainerd() error {
	mirrored := MirroredRegistries
	if n.opts.Upstream {
		mirrored = nil
	}
	if err := os.MkdirAll(n.path("certs.d"), 0o755); err != nil {
		return err
	}
	for _, registry := range mirrored {
		hosts := fmt.Sprintf("# Every pull of %s goes to the node's local registry, and nowhere else.\nserver = \"http://%s\"\n\n[host.\"http://%s\"]\n  capabilities = [\"pull\", \"resolve\"]\n",
			registry, n.Registry, n.Registry)
		if err := writeFile(n.path("certs.d", registry, "hosts.toml"), hosts); err != nil {
			return err
		}
	}
	if err := writeFile(n.path("cni", "10-node.conflist"), fmt.Sprintf(cniConfig, bridge, n.path("cni", "ipam"), podCIDR)); err != nil {
		return err
	}
	config := n.path("containerd.toml")
	if err := writeFile(config, fmt.Sprintf(containerdConfig, n.path("containerd", "root"), n.path("containerd", "state"),
		n.containerdSocket(), n.path("containerd", "runc"), n.path("cni"), n.path("certs.d"))); err != nil {
		return err
	}
	if err := n.procs.Spawn("containerd", "containerd", "--config", config); err != nil {
		return err
	}
	return poll(30*time.Second, func() error { _, err := n.ctr("version"); return err })
}

func (n *Node) containerdSocket() string { return n.path("containerd", "containerd.sock") }

// ctr runs containerd's client in the kubelet's namespace.
func (n *Node) ctr(args ...string) (string, error) {
	return output("ctr", append([]string{"--address", n.containerdSocket(), "--namespace", "k8s.io", "--timeout", "10s"}, args...)...)
}

func (n *Node) startControllers() error {
	if err := n.procs.Spawn("kube-controller-manager", n.opts.ControllerManager, "--kubeconfig", n.Kubeconfig,
		"--leader-elect=false", "--bind-address", "127.0.0.1", "--secure-port", FreePort(),
		"--root-ca-file", n.CA.CertFile, "--service-account-private-key-file", n.ServiceAccountKey,
		"--use-service-account-credentials", "--cluster-cidr", podCIDR, "--allocate-node-cidrs=false",
		"--controllers", "*"); err != nil {
		return err
	}
	return n.procs.Spawn("kube-scheduler", n.opts.Scheduler, "--kubeconfig", n.Kubeconfig,
		"--leader-elect=false", "--bind-address", "127.0.0.1", "--secure-port", FreePort())
}

// startKubelet starts the kubelet with a node certificate of its own; its API accepts
// only clients with a certificate of the cluster's CA (the API server's).
func (n *Node) startKubelet() error {
	cert, key, err := n.CA.Issue("kubelet", "system:node:"+NodeName, []string{"system:nodes"}, nil, nil)
	if err != nil {
		return err
	}
	kubeconfig := n.path("kubelet.kubeconfig")
	if err := n.WriteKubeconfig(kubeconfig, fmt.Sprintf("user: {client-certificate: %q, client-key: %q}", cert, key)); err != nil {
		return err
	}
	config := n.path("kubelet-config.yaml")
	if err := writeFile(config, fmt.Sprintf(kubeletConfig, n.containerdSocket(), n.path("pod-logs"), NodeIP,
		FreePort(), FreePort(), n.CA.CertFile)); err != nil {
		return err
	}
	return n.procs.Spawn("kubelet", n.opts.Kubelet, "--config", config, "--kubeconfig", kubeconfig,
		"--root-dir", n.path("kubelet"), "--cert-dir", n.path("kubelet", "pki"),
		"--hostname-override", NodeName, "--node-ip", NodeIP)
}

func (n *Node) startKubeProxy() error {
	config := n.path("kube-proxy-config.yaml")
	if err := writeFile(config, fmt.Sprintf(kubeProxyConfig, n.Kubeconfig, podCIDR, NodeName,
		FreePort(), FreePort(), NodeIP)); err != nil {
		return err
	}
	return n.procs.Spawn("kube-proxy", n.opts.KubeProxy, "--config", config)
}

// waitReady waits for the node to be Ready and the default service account to exist.
func (n *Node) waitReady() error {
	err := poll(2*time.Minute, func() error {
		out, err := n.Kubectl(context.Background(), "get", "node", NodeName, "-o", `jsonpath={.status.conditions[?(@.type=="Ready")].status}`)
		if err == nil && strings.TrimSpace(out) != "True" {
			err = fmt.Errorf("node Ready is %q", out)
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("%w (kubelet log: %s)", err, n.procs.Log("kubelet"))
	}
	return poll(time.Minute, func() error {
		_, err := n.Kubectl(context.Background(), "get", "serviceaccount", "default")
		return err
	})
}

// Upstream tells that the node pulls from the images' own registries.
func (n *Node) Upstream() bool { return n.opts.Upstream }

// Stop stops everything by PID and leaves the machine as it was: no pod, container,
// mount, network namespace, interface, iptables or nftables table, cgroup, host
// directory or sysctl of the node's. It goes on after a failure, is safe to call twice,
// and returns what it could not undo.
func (n *Node) Stop() string {
	if n.stopped {
		return ""
	}
	n.stopped = true
	var errs []error
	try := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	n.procs.Stop("kube-controller-manager")
	n.procs.Stop("kube-scheduler")
	if n.procs.Running("kubelet") && n.procs.Running("kube-apiserver") {
		// The kubelet stops the pods itself, network included (CNI DEL).
		_, _ = n.Kubectl(context.Background(), "delete", "pods", "--all", "--all-namespaces", "--grace-period=1", "--wait=false")
		_ = poll(time.Minute, func() error {
			if out, _ := n.ctr("tasks", "ls", "-q"); strings.TrimSpace(out) != "" {
				return errors.New("tasks are running")
			}
			return nil
		})
	}
	for _, name := range []string{"kubelet", "kube-proxy", "kube-apiserver", "etcd"} {
		n.procs.Stop(name)
	}
	if n.procs.Running("containerd") {
		n.removeContainers()
	}
	n.procs.StopAll()
	try(n.unmount())
	try(removeNetns())
	if n.opts.KubeProxy != "" {
		_, _ = output(n.opts.KubeProxy, "--cleanup")
	}
	if n.host != nil {
		errs = append(errs, n.host.restore(bridge)...)
	}
	try(removeCgroups())
	try(os.RemoveAll(n.Dir))
	n.lock.Close() // and with it the lock
	if err := errors.Join(errs...); err != nil {
		return "teardown: " + err.Error()
	}
	return ""
}

// removeContainers kills what the kubelet left, so that no shim outlives containerd.
func (n *Node) removeContainers() {
	tasks, _ := n.ctr("tasks", "ls", "-q")
	for _, id := range strings.Fields(tasks) {
		_, _ = n.ctr("tasks", "kill", "--signal", "SIGKILL", id)
		_, _ = n.ctr("tasks", "delete", "--force", id)
	}
	containers, _ := n.ctr("containers", "ls", "-q")
	for _, id := range strings.Fields(containers) {
		_, _ = n.ctr("containers", "rm", id)
	}
}

// unmount lazily unmounts everything under the node's directory, deepest first.
func (n *Node) unmount() error {
	mounts, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return err
	}
	var under []string
	for _, line := range strings.Split(string(mounts), "\n") {
		if fields := strings.Fields(line); len(fields) > 1 && strings.HasPrefix(fields[1], n.Dir) {
			under = append(under, fields[1])
		}
	}
	var errs []error
	for i := len(under) - 1; i >= 0; i-- {
		if err := syscall.Unmount(under[i], syscall.MNT_DETACH); err != nil && !errors.Is(err, syscall.EINVAL) {
			errs = append(errs, fmt.Errorf("unmount %s: %w", under[i], err))
		}
	}
	return errors.Join(errs...)
}

// removeNetns deletes the pods' network namespaces that CNI left.
func removeNetns() error {
	entries, _ := os.ReadDir("/run/netns")
	var errs []error
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "cni-") {
			if _, err := output("ip", "netns", "delete", e.Name()); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// removeCgroups removes the kubelet's cgroups (kubepods), deepest first.
func removeCgroups() error {
	roots, _ := filepath.Glob("/sys/fs/cgroup/*/kubepods")
	if unified, err := filepath.Glob("/sys/fs/cgroup/kubepods"); err == nil {
		roots = append(roots, unified...)
	}
	var errs []error
	for _, root := range roots {
		var dirs []string
		_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, path)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			if err := os.Remove(dirs[i]); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// lock takes an exclusive lock on path, waiting at most timeout for another node to stop.
func lock(path string, timeout time.Duration) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	err = poll(timeout, func() error { return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) })
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("another node holds %s: %w", path, err)
	}
	return f, nil
}

func poll(timeout time.Duration, check func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func writeFile(path, content string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(content), 0o644)
}

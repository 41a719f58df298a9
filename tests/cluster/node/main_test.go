// Package node runs the examples as pods on a single node that the tests start: the
// rendered manifests are applied to an empty cluster, and what each seed promises is
// asserted at run time. Run it with `make node`.
package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/unbake/unbake/tests/cluster"
)

var (
	testNode *cluster.Node
	// kustomize and the function binaries (UNBAKE_BIN), to render a test overlay.
	kustomize, unbakeBin string
)

func TestMain(m *testing.M) {
	code, err := runWithNode(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		code = 1
	}
	os.Exit(code)
}

func runWithNode(m *testing.M) (int, error) {
	env := map[string]string{}
	for _, name := range []string{"KUBE_APISERVER", "ETCD", "NODE_BIN", "KUBECTL", "CRANE", "NGINX_ROOTFS", "PYTHON_ROOTFS", "WHEELS", "KANIKO_EXECUTOR", "KUSTOMIZE", "UNBAKE_BIN"} {
		if env[name] = os.Getenv(name); env[name] == "" {
			return 1, fmt.Errorf("%s is not set: run these tests with `make node`", name)
		}
	}
	if os.Geteuid() != 0 {
		return 1, fmt.Errorf("a node needs root (containerd, network namespaces, iptables)")
	}
	kustomize, unbakeBin = env["KUSTOMIZE"], env["UNBAKE_BIN"]
	bin := func(name string) string { return filepath.Join(env["NODE_BIN"], name) }
	n, err := cluster.StartNode(cluster.NodeOptions{Etcd: env["ETCD"], APIServer: env["KUBE_APISERVER"],
		Kubelet: bin("kubelet"), ControllerManager: bin("kube-controller-manager"), Scheduler: bin("kube-scheduler"),
		KubeProxy: bin("kube-proxy"), Crane: env["CRANE"], Kubectl: env["KUBECTL"],
		Upstream: os.Getenv("UNBAKE_NODE_IMAGES") == "upstream"})
	if err != nil {
		return 1, err
	}
	defer func() {
		if problems := n.Stop(); problems != "" {
			fmt.Fprintln(os.Stderr, "node:", problems)
		}
	}()
	if n.Upstream() {
		testNode = n
		return m.Run(), nil
	}
	// GitHub and PyPI stand in for themselves where they can be reached; here the node
	// serves the example app's repository and the wheels the examples pin.
	git, err := n.ServeGit(map[string]string{"easydoggie/testapp.git": filepath.Join("testdata", "testapp.bundle")})
	if err != nil {
		return 1, err
	}
	defer git.Close()
	index, err := n.ServePackages(env["WHEELS"])
	if err != nil {
		return 1, err
	}
	defer index.Close()
	if err := n.PushStandIns(cluster.StandIns(cluster.StandInSources{NginxRootfs: env["NGINX_ROOTFS"],
		PythonRootfs: env["PYTHON_ROOTFS"], Kubectl: bin("kubectl"), KanikoExecutor: env["KANIKO_EXECUTOR"],
		Git: git, PackageIndex: index})); err != nil {
		return 1, err
	}
	testNode = n
	return m.Run(), nil
}

// kubectl runs kubectl as the admin, failing the test on an error.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := testNode.Kubectl(context.Background(), args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// apply applies an example's rendered manifests, and prints what the node says about
// its namespaces when the test fails.
func apply(t *testing.T, example string, namespaces ...string) {
	t.Helper()
	t.Cleanup(func() {
		if t.Failed() {
			for _, namespace := range namespaces {
				t.Log(diagnose(namespace))
			}
		}
	})
	kubectl(t, "apply", "--server-side", "-f", filepath.Join("..", "..", "..", "examples", example, "expected.yaml"))
}

// reapplyChangesNothing applies the example's rendered manifests again, as after a
// render that changed nothing (the e2e tests render every example twice in place): the
// server sees no difference, and no pod is replaced or restarted.
func reapplyChangesNothing(t *testing.T, example string, namespaces ...string) {
	t.Helper()
	before := podStates(t, namespaces)
	file := filepath.Join("..", "..", "..", "examples", example, "expected.yaml")
	kubectl(t, "apply", "--server-side", "-f", file)
	if out, err := testNode.Kubectl(context.Background(), "diff", "--server-side", "-f", file); err != nil {
		t.Errorf("kubectl diff after applying again: %v\n%s", err, out)
	}
	time.Sleep(3 * time.Second) // what a rollout would start, it starts by then
	if after := podStates(t, namespaces); after != before {
		t.Errorf("applying again replaced or restarted pods:\nbefore: %s\nafter:  %s", before, after)
	}
}

// podStates lists every pod of namespaces with its UID and its containers' restarts.
func podStates(t *testing.T, namespaces []string) string {
	t.Helper()
	var states []string
	for _, ns := range namespaces {
		states = append(states, kubectl(t, "get", "pods", "-n", ns, "-o",
			`jsonpath={range .items[*]}{.metadata.name}/{.metadata.uid}:{range .status.containerStatuses[*]}{.restartCount},{end} {end}`))
	}
	return strings.Join(states, "")
}

// diagnose collects the events, the description and the logs of every pod of namespace.
func diagnose(namespace string) string {
	var b strings.Builder
	commands := [][]string{{"get", "events", "-n", namespace, "--sort-by", ".lastTimestamp"}, {"describe", "pods", "-n", namespace}}
	pods, _ := testNode.Kubectl(context.Background(), "get", "pods", "-n", namespace, "-o", "name")
	for _, pod := range strings.Fields(pods) {
		commands = append(commands, []string{"logs", "-n", namespace, pod, "--all-containers", "--prefix", "--tail", "50"})
	}
	for _, args := range commands {
		out, err := testNode.Kubectl(context.Background(), args...)
		fmt.Fprintf(&b, "$ kubectl %s\n%s", strings.Join(args, " "), out)
		if err != nil {
			fmt.Fprintf(&b, "(%v)\n", err)
		}
	}
	return b.String()
}

package apiserver

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/unbake/unbake/tests/cluster"
)

// testCluster is an etcd and a kube-apiserver on loopback, started once for the tests.
type testCluster struct{ *cluster.ControlPlane }

var (
	kubectl = os.Getenv("KUBECTL")
	testEnv *testCluster
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
	procs := &cluster.Processes{Dir: dir}
	defer procs.StopAll()
	cp, err := cluster.StartControlPlane(procs, cluster.ControlPlaneOptions{Etcd: etcd, APIServer: apiserver, Kubectl: kubectl, Address: "127.0.0.1"})
	if err != nil {
		return 1, err
	}
	testEnv = &testCluster{cp}
	return m.Run(), nil
}

// kubectl runs kubectl against the cluster and returns its combined output.
func (c *testCluster) kubectl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return c.Kubectl(context.Background(), args...)
}

package node

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unbake/unbake/tests/cluster"
)

// Seed 000: TensorBoard has no login, so an nginx sidecar asks for one. Through the
// NodePort, nobody gets in without foo/bar, and foo/bar reaches TensorBoard. The namespace
// enforces Pod Security restricted, and the kubelet checks runAsNonRoot.
func TestTensorBoardBasicAuth(t *testing.T) {
	apply(t, "tensorboard-basic-auth", "ml")
	kubectl(t, "wait", "-n", "ml", "deployment/tensorboard", "--for", "condition=Available", "--timeout", "120s")
	ready := kubectl(t, "get", "pods", "-n", "ml", "-l", "app=tensorboard", "-o", `jsonpath={range .items[*].status.containerStatuses[*]}{.name}={.ready} {end}`)
	for _, container := range []string{"tensorboard", "nginx"} {
		if !strings.Contains(ready, container+"=true") {
			t.Errorf("container %s is not ready: %s", container, ready)
		}
	}

	url := "http://" + cluster.NodeIP + ":30036/"
	for _, c := range []struct {
		name, user, password string
		status               int
	}{
		{"no credentials", "", "", http.StatusUnauthorized},
		{"a wrong password", "foo", "wrong", http.StatusUnauthorized},
		{"foo/bar", "foo", "bar", http.StatusOK},
	} {
		status, body := get(t, url, c.user, c.password)
		if status != c.status {
			t.Errorf("%s: status %d, want %d\n%s", c.name, status, c.status, body)
		}
		if c.status == http.StatusOK && !strings.Contains(body, "<title>TensorBoard</title>") {
			t.Errorf("%s: the page is not TensorBoard's:\n%s", c.name, body)
		}
	}
	reapplyChangesNothing(t, "tensorboard-basic-auth", "ml")
}

// get fetches url, with basic auth when user is given, retrying while kube-proxy's rules
// are not there yet.
func get(t *testing.T, url, user, password string) (int, string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	var last error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if user != "" {
			req.SetBasicAuth(user, password)
		}
		resp, err := client.Do(req)
		if err != nil {
			last = err
			continue
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			last = err
			continue
		}
		return resp.StatusCode, string(body)
	}
	t.Fatalf("GET %s: %v", url, last)
	return 0, ""
}

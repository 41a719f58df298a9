package node

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/unbake/unbake/tests/cluster"
)

// Seed 001: init containers clone the app and make its venv, one after the other, before
// the app starts; the postStart hook returns within its bound; the app answers. When the
// pod's sandbox is made anew, the chain runs again on the volume the pod kept: it fetches
// into the checkout and keeps the venv.
func TestPythonVenvInit(t *testing.T) {
	apply(t, "python-venv-init", "python-venv")
	kubectl(t, "wait", "-n", "python-venv", "deployment/testapp", "--for", "condition=Available", "--timeout", "180s")
	status, body := get(t, "http://"+cluster.NodeIP+":30080/", "", "")
	if status != http.StatusOK || body != "Hello, World!" {
		t.Fatalf("the app answered %d %q, want 200 Hello, World!", status, body)
	}
	if events := kubectl(t, "get", "events", "-n", "python-venv", "--field-selector", "reason=FailedPostStartHook", "-o", "name"); events != "" {
		t.Errorf("the postStart hook failed: %s", events)
	}
	pod := strings.TrimSpace(kubectl(t, "get", "pods", "-n", "python-venv", "-l", "app=testapp", "-o", "jsonpath={.items[0].metadata.name}"))
	steps := func() string {
		return kubectl(t, "get", "pod", "-n", "python-venv", pod, "-o",
			`jsonpath={range .status.initContainerStatuses[*]}{.name}:{.state.terminated.reason}@{.state.terminated.startedAt} {end}`)
	}
	first := steps()
	if strings.Count(first, ":Completed@") != 2 || strings.Index(first, "testapp-clone") > strings.Index(first, "testapp-venv") {
		t.Fatalf("init containers %q: want testapp-clone, then testapp-venv, both Completed", first)
	}
	// What the first start wrote, by inode and modification time: a fetch into the checkout
	// leaves the app's file alone, and a kept venv its configuration.
	files := []string{"/app/python/venv/pyvenv.cfg", "/app/python/flask/index.py"}
	written := kubectl(t, append([]string{"exec", "-n", "python-venv", pod, "-c", "app", "--", "stat", "-c", "%n %i %Y"}, files...)...)

	if err := testNode.KillPodSandbox("python-venv", pod); err != nil {
		t.Fatal(err)
	}
	var again string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		if again = steps(); ranAgain(first, again) {
			break
		}
	}
	if !ranAgain(first, again) {
		t.Fatalf("the init containers did not both run again after the sandbox was killed: before %q, now %q", first, again)
	}
	kubectl(t, "wait", "-n", "python-venv", "pod/"+pod, "--for", "condition=Ready", "--timeout", "120s")
	if kept := kubectl(t, append([]string{"exec", "-n", "python-venv", pod, "-c", "app", "--", "stat", "-c", "%n %i %Y"}, files...)...); kept != written {
		t.Errorf("the chain's second run rewrote what the first made:\nbefore: %s\nafter:  %s", written, kept)
	}
	if status, body := get(t, "http://"+cluster.NodeIP+":30080/", "", ""); status != http.StatusOK || body != "Hello, World!" {
		t.Errorf("after the second run the app answered %d %q", status, body)
	}
	reapplyChangesNothing(t, "python-venv-init", "python-venv")
}

// ranAgain tells whether every step of before completed again in after: its start time
// differs.
func ranAgain(before, after string) bool {
	now := strings.Fields(after)
	for i, step := range strings.Fields(before) {
		if i >= len(now) || now[i] == step || !strings.Contains(now[i], ":Completed@") {
			return false
		}
	}
	return true
}

package node

import (
	"net/http"
	"strings"
	"testing"
)

// The stock python image runs start.sh from a ConfigMap mounted at its destination, with
// the script's mode, and start.sh starts the app, which answers through the Service.
func TestPythonStartScript(t *testing.T) {
	apply(t, "python-start-script", "demo")
	kubectl(t, "wait", "-n", "demo", "deployment/web", "--for", "condition=Available", "--timeout", "120s")
	if mode := kubectl(t, "exec", "-n", "demo", "deployment/web", "--", "stat", "-L", "-c", "%a", "/usr/local/bin/start.sh"); strings.TrimSpace(mode) != "755" {
		t.Errorf("/usr/local/bin/start.sh has mode %s, want 755", mode)
	}
	if logs := kubectl(t, "logs", "-n", "demo", "deployment/web"); !strings.Contains(logs, "start.sh: Python 3") {
		t.Errorf("the container did not start through start.sh; its log:\n%s", logs)
	}
	ip := strings.TrimSpace(kubectl(t, "get", "service", "-n", "demo", "web", "-o", "jsonpath={.spec.clusterIP}"))
	status, body := get(t, "http://"+ip+"/", "", "")
	if status != http.StatusOK || body != "Hello from a stock python image, started by start.sh\n" {
		t.Errorf("the app answered %d %q", status, body)
	}
	reapplyChangesNothing(t, "python-start-script", "demo")
}

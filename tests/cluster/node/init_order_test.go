package node

import (
	"strings"
	"testing"
	"time"
)

// Seed 001's ordering demonstration: the two init containers run one after the other,
// then the app, as the log they share says and as the kubelet's start and finish times
// say (the seed read them in kubectl describe). The pod runs as UID 1000 in a Namespace
// that enforces Pod Security restricted.
func TestInitOrder(t *testing.T) {
	apply(t, "init-order", "init-order")
	kubectl(t, "wait", "-n", "init-order", "pod/test-pod", "--for", "condition=Ready", "--timeout", "120s")

	log := strings.TrimSpace(kubectl(t, "exec", "-n", "init-order", "test-pod", "-c", "test-pod", "--", "cat", "/order/order.log"))
	var events []string
	for _, line := range strings.Split(log, "\n") {
		events = append(events, strings.Join(strings.Fields(line)[:2], " "))
	}
	want := []string{"init1 started", "init1 finished", "init2 started", "init2 finished", "test-pod started"}
	if strings.Join(events, ", ") != strings.Join(want, ", ") {
		t.Fatalf("order.log:\n%s\nwant the events %q, in this order", log, want)
	}

	times := func(path string) []time.Time {
		var out []time.Time
		for _, field := range strings.Fields(kubectl(t, "get", "pod", "-n", "init-order", "test-pod", "-o", "jsonpath="+path)) {
			ts, err := time.Parse(time.RFC3339, field)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			out = append(out, ts)
		}
		return out
	}
	started := times(`{range .status.initContainerStatuses[*]}{.state.terminated.startedAt} {end}`)
	finished := times(`{range .status.initContainerStatuses[*]}{.state.terminated.finishedAt} {end}`)
	app := times(`{.status.containerStatuses[0].state.running.startedAt}`)
	if len(started) != 2 || len(finished) != 2 || len(app) != 1 {
		t.Fatalf("init containers started %v, finished %v, app started %v: want two finished init containers and a running app", started, finished, app)
	}
	if started[1].Before(finished[0]) || app[0].Before(finished[1]) || finished[0].Sub(started[0]) < 4*time.Second {
		t.Errorf("init1 ran %v to %v, init2 %v to %v, the app started %v: want each after the previous finished, and five seconds each",
			started[0], finished[0], started[1], finished[1], app[0])
	}
	if user := strings.TrimSpace(kubectl(t, "exec", "-n", "init-order", "test-pod", "-c", "test-pod", "--", "stat", "-c", "%u", "/order/order.log")); user != "1000" {
		t.Errorf("the steps wrote order.log as UID %s, want the pod's 1000", user)
	}
	reapplyChangesNothing(t, "init-order", "init-order")
}

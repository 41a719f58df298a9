package convergence

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// images the generated workloads run: the KanikoJob config's destination repository among
// them, so its wiring has work to do.
var images = []string{
	"registry.example.com/team/app:1.4.2",
	"registry.example.com/team/worker:2.0.1",
	"docker.io/library/python:3.13.1-slim-bookworm",
	"docker.io/library/nginx:1.27.3-alpine",
	"quay.io/prometheus/node-exporter:v1.8.2",
}

var namespaces = []string{"", "apps", "batch"}

// Workloads is a YAML stream of every workload kind, one or two of each, with a Service
// and a ConfigMap beside them, drawn with seed.
func Workloads(seed uint64) string {
	r := rand.New(rand.NewPCG(seed, seed+1))
	var docs []string
	for _, kind := range []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
		"ReplicationController", "Job", "CronJob"} {
		for i := range 1 + r.IntN(2) {
			name := fmt.Sprintf("%s-%d", strings.ToLower(kind), i)
			namespace := namespaces[r.IntN(len(namespaces))]
			docs = append(docs, workload(r, kind, name, namespace))
		}
	}
	docs = append(docs, `apiVersion: v1
kind: Service
metadata:
  name: deployment-0
spec:
  selector:
    app: deployment-0
  ports:
  - name: http
    port: 80
    targetPort: http
`, `# Settings that no function owns.
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  level: debug # keeps its comment
`)
	return strings.Join(docs, "---\n")
}

// workload writes one workload of kind with one or two containers.
func workload(r *rand.Rand, kind, name, namespace string) string {
	var b strings.Builder
	apiVersion := map[string]string{"Pod": "v1", "ReplicationController": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}[kind]
	if apiVersion == "" {
		apiVersion = "apps/v1"
	}
	fmt.Fprintf(&b, "apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n", apiVersion, kind, name)
	if namespace != "" {
		fmt.Fprintf(&b, "  namespace: %s\n", namespace)
	}
	fmt.Fprintf(&b, "  labels:\n    app: %s\n", name)
	pod := podSpec(r, kind == "Job" || kind == "CronJob")
	switch kind {
	case "Pod":
		b.WriteString(indent(pod, "", "spec:\n"))
		return b.String()
	case "CronJob":
		b.WriteString("spec:\n  schedule: \"*/30 * * * *\"\n  jobTemplate:\n    spec:\n")
		b.WriteString(template(name, pod, "      "))
		return b.String()
	case "Job":
		b.WriteString("spec:\n  backoffLimit: 2\n")
	case "ReplicationController":
		fmt.Fprintf(&b, "spec:\n  replicas: 1\n  selector:\n    app: %s\n", name)
	case "StatefulSet":
		fmt.Fprintf(&b, "spec:\n  serviceName: %s\n  selector:\n    matchLabels:\n      app: %s\n", name, name)
	default:
		fmt.Fprintf(&b, "spec:\n  selector:\n    matchLabels:\n      app: %s\n", name)
	}
	b.WriteString(template(name, pod, "  "))
	return b.String()
}

func template(name, pod, at string) string {
	return fmt.Sprintf("%stemplate:\n%s  metadata:\n%s    labels:\n%s      app: %s\n", at, at, at, at, name) +
		indent(pod, at+"  ", "spec:\n")
}

// podSpec is a pod spec with one or two containers, the first with a named port.
func podSpec(r *rand.Rand, job bool) string {
	var b strings.Builder
	if job {
		b.WriteString("restartPolicy: Never\n")
	}
	b.WriteString("containers:\n")
	for i := range 1 + r.IntN(2) {
		fmt.Fprintf(&b, "- name: %s\n  image: %s\n", []string{"app", "helper"}[i], images[r.IntN(len(images))])
		if i == 0 {
			fmt.Fprintf(&b, "  ports:\n  - name: http\n    containerPort: %d\n", 8080+r.IntN(10))
		}
	}
	return b.String()
}

// indent writes head, then text with every line indented by at, below head's indentation.
func indent(text, at, head string) string {
	var b strings.Builder
	b.WriteString(at + head)
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		b.WriteString(at + "  " + line + "\n")
	}
	return b.String()
}

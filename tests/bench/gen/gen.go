// Package gen writes the deterministic inputs of the benchmarks: half Deployments with two
// or three containers, a quarter Services, a quarter ConfigMaps.
package gen

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
)

// List returns a ResourceList of n items with functionConfig embedded, when given.
func List(n int, functionConfig []byte) []byte {
	var buf bytes.Buffer
	_ = WriteList(&buf, n, functionConfig) // a bytes.Buffer does not fail
	return buf.Bytes()
}

// WriteList writes what List returns.
func WriteList(out io.Writer, n int, functionConfig []byte) error {
	w := bufio.NewWriter(out)
	fmt.Fprint(w, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")
	if n == 0 {
		fmt.Fprint(w, "items: []\n")
	} else {
		fmt.Fprint(w, "items:\n")
	}
	writeItems(w, n, "- ", "  ")
	if len(functionConfig) > 0 {
		fmt.Fprint(w, "functionConfig:\n")
		for _, line := range strings.Split(strings.TrimSuffix(string(functionConfig), "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	return w.Flush()
}

// writeItems writes the n items, each starting with first and every further line with
// rest: "- " and "  " for a ResourceList's items, "---\n" and "" for a YAML stream.
func writeItems(w *bufio.Writer, n int, first, rest string) {
	for i := 0; i < n; i++ {
		var item string
		switch i % 4 {
		case 0, 1:
			item = deployment(i)
		case 2:
			item = service(i)
		default:
			item = configMap(i)
		}
		w.WriteString(first)
		w.WriteString(strings.ReplaceAll(strings.TrimSuffix(item, "\n"), "\n", "\n"+rest))
		w.WriteString("\n")
	}
}

func deployment(i int) string {
	item := fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
  labels:
    app: app-%[1]d
    tier: backend
spec:
  replicas: 2
  selector:
    matchLabels:
      app: app-%[1]d
  template:
    metadata:
      labels:
        app: app-%[1]d
        tier: backend
    spec:
      containers:
      - name: app
        image: registry.example.com/team/app-%[1]d:1.%[2]d.0
        args: ["--port=8080", "--log-level=info"]
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: MODE
          value: production
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {memory: 256Mi}
      - name: metrics
        image: prom/statsd-exporter:v0.28.0
        ports:
        - containerPort: 9102
`, i, i%10)
	if i%3 == 0 {
		item += `      - name: cache
        image: redis:7.4.1
        ports:
        - containerPort: 6379
`
	}
	return item
}

func service(i int) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Service
metadata:
  name: app-%[1]d
  namespace: team-%[2]d
spec:
  selector:
    app: app-%[3]d
  ports:
  - name: http
    port: 80
    targetPort: 8080
`, i, i%10, i-2)
}

func configMap(i int) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-%[1]d
  namespace: team-%[2]d
  annotations:
    owner: team-%[2]d # who to ask
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
  config.yaml: |
    server:
      port: 8080
      timeout: 30s
`, i, i%10)
}

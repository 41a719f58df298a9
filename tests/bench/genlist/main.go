// Command genlist writes a deterministic ResourceList for benchmarks: half Deployments
// with two or three containers, a quarter Services, a quarter ConfigMaps.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
)

func main() {
	n := flag.Int("n", 1000, "number of items")
	config := flag.String("config", "", "functionConfig file to embed")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprint(w, "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
	for i := 0; i < *n; i++ {
		switch i % 4 {
		case 0, 1:
			deployment(w, i)
		case 2:
			service(w, i)
		default:
			configMap(w, i)
		}
	}
	if *config != "" {
		data, err := os.ReadFile(*config)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Fprint(w, "functionConfig:\n")
		for _, line := range splitLines(string(data)) {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
}

func deployment(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- apiVersion: apps/v1
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
		fmt.Fprint(w, `        - name: cache
          image: redis:7.4.1
          ports:
          - containerPort: 6379
`)
	}
}

func service(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- apiVersion: v1
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

func configMap(w *bufio.Writer, i int) {
	fmt.Fprintf(w, `- apiVersion: v1
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

func splitLines(s string) []string {
	var lines []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			lines = append(lines, s[start:i])
			start = i + 1
		}
	}
	if start < len(s) {
		lines = append(lines, s[start:])
	}
	return lines
}

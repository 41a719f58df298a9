package setrunas_test

import (
	"os"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/setrunas"
)

// Example shows set-runas in place of a Dockerfile USER: the pod runs as UID and GID 1000.
func Example() {
	input := `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: python:3.13.1-slim
functionConfig:
  apiVersion: fn.unbake.dev/v1alpha1
  kind: SetRunAs
  metadata:
    name: example
  spec:
    runAsUser: 1000
    runAsGroup: 1000
`
	krm.Run(setrunas.Function.Process, strings.NewReader(input), os.Stdout, os.Stdout)
	// Output:
	// apiVersion: config.kubernetes.io/v1
	// kind: ResourceList
	// items:
	// - apiVersion: apps/v1
	//   kind: Deployment
	//   metadata:
	//     name: web
	//   spec:
	//     selector:
	//       matchLabels: {app: web}
	//     template:
	//       metadata:
	//         labels: {app: web}
	//         annotations:
	//           fn.unbake.dev/set-runas: 'example: runAsGroup,runAsNonRoot,runAsUser'
	//       spec:
	//         containers:
	//         - name: web
	//           image: python:3.13.1-slim
	//         securityContext:
	//           runAsUser: 1000
	//           runAsGroup: 1000
	//           runAsNonRoot: true
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: SetRunAs
	//   metadata:
	//     name: example
	//   spec:
	//     runAsUser: 1000
	//     runAsGroup: 1000
	// results:
	// - message: 'securityContext: pod runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true'
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
}

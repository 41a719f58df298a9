package setrunas_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/setrunas"
)

// Example shows set-runas in place of a Dockerfile USER: the pod runs as UID and GID 1000.
func Example() {
	golden.Example(setrunas.Function, "python:3.13.1-slim", `apiVersion: fn.unbake.dev/v1alpha1
kind: SetRunAs
metadata:
  name: example
spec:
  runAsUser: 1000
  runAsGroup: 1000
`)
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

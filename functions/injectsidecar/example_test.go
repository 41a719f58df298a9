package injectsidecar_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/injectsidecar"
)

// Example shows inject-sidecar adding an nginx container next to the app, instead of
// installing nginx into the app's image.
func Example() {
	golden.Example(injectsidecar.Function, "python:3.13.1-slim", `apiVersion: fn.unbake.dev/v1alpha1
kind: InjectSidecar
metadata:
  name: example
spec:
  containers:
  - name: proxy
    image: nginx:1.27.3-alpine
    ports:
    - {name: http, containerPort: 8080}
    resources:
      requests: {cpu: 10m, memory: 32Mi}
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
	//           fn.unbake.dev/injected: 'example: container/proxy@1a4b5a8ca1'
	//       spec:
	//         containers:
	//         - name: web
	//           image: python:3.13.1-slim
	//         - name: proxy
	//           image: nginx:1.27.3-alpine
	//           ports:
	//           - {name: http, containerPort: 8080}
	//           resources:
	//             requests: {cpu: 10m, memory: 32Mi}
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: InjectSidecar
	//   metadata:
	//     name: example
	//   spec:
	//     containers:
	//     - name: proxy
	//       image: nginx:1.27.3-alpine
	//       ports:
	//       - {name: http, containerPort: 8080}
	//       resources:
	//         requests: {cpu: 10m, memory: 32Mi}
	// results:
	// - message: injected sidecar "proxy" into the pod template
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
}

package setrunas_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/setrunas"
)

// Example shows set-runas in place of a Dockerfile USER: the pod runs as UID and GID 1000,
// with a writable HOME the image's /etc/passwd would not give that UID.
func Example() {
	golden.Example(setrunas.Function, "python:3.13.1-slim", `apiVersion: fn.unbake.dev/v1alpha1
kind: SetRunAs
metadata:
  name: example
spec:
  runAsUser: 1000
  runAsGroup: 1000
  home: /home/app
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
	//           fn.unbake.dev/set-runas-volumes: 'example: env/web=HOME,mount/web=/home/app,volume/home-web'
	//       spec:
	//         containers:
	//         - name: web
	//           image: python:3.13.1-slim
	//           volumeMounts:
	//           - name: home-web
	//             mountPath: /home/app
	//           env:
	//           - name: HOME
	//             value: /home/app
	//         securityContext:
	//           runAsUser: 1000
	//           runAsGroup: 1000
	//           runAsNonRoot: true
	//         volumes:
	//         - name: home-web
	//           emptyDir: {}
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: SetRunAs
	//   metadata:
	//     name: example
	//   spec:
	//     runAsUser: 1000
	//     runAsGroup: 1000
	//     home: /home/app
	// results:
	// - message: 'securityContext: pod runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true'
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
	// - message: 'writable: container "web" /home/app (emptyDir home-web), HOME=/home/app'
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
}

package initchain_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/initchain"
)

// Example shows add-init-chain in place of a build-time RUN: an init container prepares a
// shared volume before the app starts.
func Example() {
	golden.Example(initchain.Function, "python:3.13.1-slim", `apiVersion: fn.unbake.dev/v1alpha1
kind: InitChain
metadata:
  name: example
spec:
  steps:
  - name: fetch
    image: docker.io/library/busybox:1.37.0
    script: |
      echo ready > /workspace/ready
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
	//           fn.unbake.dev/init-chain: 'example: chain@c926652adc,init/example-fetch,mount/web=/workspace,volume/workspace'
	//       spec:
	//         initContainers:
	//         - name: example-fetch
	//           image: docker.io/library/busybox:1.37.0
	//           command:
	//           - sh
	//           - -ec
	//           - |
	//             echo ready > /workspace/ready
	//           env:
	//           - name: HOME
	//             value: /workspace/.unbake/home
	//           volumeMounts:
	//           - name: workspace
	//             mountPath: /workspace
	//           securityContext:
	//             capabilities:
	//               drop:
	//               - ALL
	//             allowPrivilegeEscalation: false
	//             seccompProfile:
	//               type: RuntimeDefault
	//         containers:
	//         - name: web
	//           image: python:3.13.1-slim
	//           volumeMounts:
	//           - name: workspace
	//             mountPath: /workspace
	//         volumes:
	//         - name: workspace
	//           emptyDir: {}
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: InitChain
	//   metadata:
	//     name: example
	//   spec:
	//     steps:
	//     - name: fetch
	//       image: docker.io/library/busybox:1.37.0
	//       script: |
	//         echo ready > /workspace/ready
	// results:
	// - message: 'added init container "example-fetch" (position append) with volume "workspace" at /workspace: the chain runs first, then the app containers start'
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
	// - message: mounted volume "workspace" in container "web" at /workspace
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
}

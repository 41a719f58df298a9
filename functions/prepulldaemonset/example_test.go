package prepulldaemonset_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/prepulldaemonset"
)

// Example shows gen-prepull-daemonset keeping the images of the list's workloads on every
// node.
func Example() {
	golden.Example(prepulldaemonset.Function, "python:3.13.1-slim", `apiVersion: fn.unbake.dev/v1alpha1
kind: PrepullDaemonSet
metadata:
  name: example
  namespace: ci
spec:
  discover: true
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
	//       spec:
	//         containers:
	//         - name: web
	//           image: python:3.13.1-slim
	// - apiVersion: apps/v1
	//   kind: DaemonSet
	//   metadata:
	//     name: example
	//     namespace: ci
	//     labels:
	//       app.kubernetes.io/component: image-prepull
	//       app.kubernetes.io/name: example
	//     annotations:
	//       fn.unbake.dev/generated-by: 'PrepullDaemonSet.example'
	//   spec:
	//     selector:
	//       matchLabels:
	//         app.kubernetes.io/component: image-prepull
	//         app.kubernetes.io/name: example
	//     template:
	//       metadata:
	//         labels:
	//           app.kubernetes.io/component: image-prepull
	//           app.kubernetes.io/name: example
	//         annotations:
	//           fn.unbake.dev/prepull-images: 3240925270b7f5b6
	//       spec:
	//         volumes:
	//         - name: prepull-bin
	//           emptyDir:
	//             sizeLimit: 32Mi
	//         initContainers:
	//         - name: copy-sleep
	//           image: docker.io/library/busybox:1.37.0-musl
	//           command:
	//           - /bin/cp
	//           - /bin/sleep
	//           - /prepull/sleep
	//           resources:
	//             limits:
	//               cpu: 10m
	//               memory: 20Mi
	//             requests:
	//               cpu: 1m
	//               memory: 10Mi
	//           volumeMounts:
	//           - name: prepull-bin
	//             mountPath: /prepull
	//           imagePullPolicy: IfNotPresent
	//           securityContext:
	//             capabilities:
	//               drop:
	//               - ALL
	//             readOnlyRootFilesystem: true
	//             allowPrivilegeEscalation: false
	//         containers:
	//         - name: python-3-13-1-slim
	//           image: python:3.13.1-slim
	//           command:
	//           - /prepull/sleep
	//           args:
	//           - 720h
	//           resources:
	//             limits:
	//               cpu: 10m
	//               memory: 20Mi
	//             requests:
	//               cpu: 1m
	//               memory: 10Mi
	//           volumeMounts:
	//           - name: prepull-bin
	//             readOnly: true
	//             mountPath: /prepull
	//           imagePullPolicy: Always
	//           securityContext:
	//             capabilities:
	//               drop:
	//               - ALL
	//             readOnlyRootFilesystem: true
	//             allowPrivilegeEscalation: false
	//         terminationGracePeriodSeconds: 1
	//         nodeSelector:
	//           kubernetes.io/os: linux
	//         automountServiceAccountToken: false
	//         securityContext:
	//           runAsUser: 65534
	//           runAsGroup: 65534
	//           runAsNonRoot: true
	//           seccompProfile:
	//             type: RuntimeDefault
	//     updateStrategy:
	//       type: RollingUpdate
	//       rollingUpdate:
	//         maxUnavailable: 0
	//         maxSurge: 10%
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: PrepullDaemonSet
	//   metadata:
	//     name: example
	//     namespace: ci
	//   spec:
	//     discover: true
	// results:
	// - message: 'generated to pre-pull 1 image (0 listed, 1 discovered): python:3.13.1-slim'
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: DaemonSet
	//     name: example
	//     namespace: ci
}

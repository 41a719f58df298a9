package kanikojob_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/kanikojob"
)

// Example shows gen-kaniko-job: a Job builds the image in the cluster, and the workloads
// that run it get the commit tag.
func Example() {
	golden.Example(kanikojob.Function, "registry.example.com/team/app:1.0.0", `apiVersion: fn.unbake.dev/v1alpha1
kind: KanikoJob
metadata:
  name: example
  namespace: ci
spec:
  context: git://github.com/example-org/app.git#refs/heads/main
  destinations: [registry.example.com/team/app:1.0.0]
  revision: 5d41402abc4b2a76b9719d911017c592ae7f3c21
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
	//           image: registry.example.com/team/app:5d41402abc4b
	// - apiVersion: batch/v1
	//   kind: Job
	//   metadata:
	//     name: example-fd7887740d
	//     namespace: ci
	//     annotations:
	//       fn.unbake.dev/generated-by: 'KanikoJob.example'
	//   spec:
	//     activeDeadlineSeconds: 3600
	//     podFailurePolicy:
	//       rules:
	//       - action: Ignore
	//         onPodConditions:
	//         - type: DisruptionTarget
	//           status: "True"
	//     backoffLimit: 3
	//     template:
	//       spec:
	//         containers:
	//         - name: kaniko
	//           image: ghcr.io/osscontainertools/kaniko:v1.28.3
	//           args:
	//           - --context=git://github.com/example-org/app.git#refs/heads/main
	//           - --dockerfile=Dockerfile
	//           - --destination=registry.example.com/team/app:1.0.0
	//           - --destination=registry.example.com/team/app:5d41402abc4b
	//           - --label=org.opencontainers.image.revision=5d41402abc4b2a76b9719d911017c592ae7f3c21
	//           - --label=org.opencontainers.image.source=https://github.com/example-org/app.git
	//           - --digest-file=/dev/termination-log
	//           resources:
	//             limits:
	//               ephemeral-storage: 20Gi
	//               memory: 4Gi
	//             requests:
	//               cpu: 500m
	//               ephemeral-storage: 5Gi
	//               memory: 1Gi
	//         restartPolicy: Never
	//         automountServiceAccountToken: false
	//     ttlSecondsAfterFinished: 86400
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: KanikoJob
	//   metadata:
	//     name: example
	//     namespace: ci
	//   spec:
	//     context: git://github.com/example-org/app.git#refs/heads/main
	//     destinations: ['registry.example.com/team/app:1.0.0']
	//     revision: 5d41402abc4b2a76b9719d911017c592ae7f3c21
	// results:
	// - message: 'generated: kaniko builds git://github.com/example-org/app.git#refs/heads/main and pushes registry.example.com/team/app:1.0.0, registry.example.com/team/app:5d41402abc4b (revision 5d41402abc4b from spec.revision)'
	//   severity: info
	//   resourceRef:
	//     apiVersion: batch/v1
	//     kind: Job
	//     name: example-fd7887740d
	//     namespace: ci
	// - message: 'container "web": image registry.example.com/team/app:5d41402abc4b, built by KanikoJob example (was registry.example.com/team/app:1.0.0)'
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
	//   field:
	//     path: spec.template.spec.containers[0].image
}

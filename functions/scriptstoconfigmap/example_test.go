package scriptstoconfigmap_test

import (
	"github.com/unbake/unbake/functions/golden"
	"github.com/unbake/unbake/functions/scriptstoconfigmap"
)

// Example shows scripts-to-configmap in place of COPY and ENTRYPOINT: the script comes from
// a generated ConfigMap, mounted at its destination with mode 0755.
func Example() {
	golden.Example(scriptstoconfigmap.Function, "python:3.13.1-slim", `apiVersion: fn.unbake.dev/v1alpha1
kind: ScriptsToConfigMap
metadata:
  name: example
spec:
  files:
  - key: start.sh
    content: |
      #!/bin/sh
      exec python -m http.server 8000
    destination: /usr/local/bin/start.sh
  command: [/usr/local/bin/start.sh]
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
	//           fn.unbake.dev/configmap-volumes: 'example: volume/example'
	//       spec:
	//         containers:
	//         - name: web
	//           image: python:3.13.1-slim
	//           volumeMounts:
	//           - name: example
	//             readOnly: true
	//             mountPath: /usr/local/bin/start.sh
	//             subPath: start.sh
	//           command:
	//           - /usr/local/bin/start.sh
	//         volumes:
	//         - name: example
	//           configMap:
	//             name: example-ft76b9bkdk
	//             items:
	//             - key: start.sh
	//               path: start.sh
	//               mode: 493 # 0755
	// - apiVersion: v1
	//   kind: ConfigMap
	//   metadata:
	//     name: example-ft76b9bkdk
	//     annotations:
	//       fn.unbake.dev/generated-by: 'ScriptsToConfigMap.example'
	//   data:
	//     start.sh: |
	//       #!/bin/sh
	//       exec python -m http.server 8000
	// functionConfig:
	//   apiVersion: fn.unbake.dev/v1alpha1
	//   kind: ScriptsToConfigMap
	//   metadata:
	//     name: example
	//   spec:
	//     files:
	//     - key: start.sh
	//       content: |
	//         #!/bin/sh
	//         exec python -m http.server 8000
	//       destination: /usr/local/bin/start.sh
	//     command: [/usr/local/bin/start.sh]
	// results:
	// - message: mounted ConfigMap example-ft76b9bkdk as volume "example" in container(s) "web"
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
	// - message: set the command of container "web" to ["/usr/local/bin/start.sh"]
	//   severity: info
	//   resourceRef:
	//     apiVersion: apps/v1
	//     kind: Deployment
	//     name: web
	//   field:
	//     path: spec.template.spec.containers[0].command
	// - message: generated from 1 file(s)
	//   severity: info
	//   resourceRef:
	//     apiVersion: v1
	//     kind: ConfigMap
	//     name: example-ft76b9bkdk
}

package golden

import (
	"fmt"
	"os"

	"github.com/unbake/unbake/functions/krm"
)

// exampleDeployment is the workload of every function's Example: one container.
const exampleDeployment = `apiVersion: apps/v1
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
        image: %s
`

// Example writes to stdout the ResourceList fn writes for config on a Deployment web
// running image: each function's Example, the documentation go doc shows and go test runs.
func Example(fn krm.Function, image, config string) {
	krm.Run(fn.Process, resourceList(fmt.Appendf(nil, exampleDeployment, image), []byte(config)), os.Stdout, os.Stdout)
}

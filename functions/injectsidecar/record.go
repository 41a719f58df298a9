package injectsidecar

// injectedAnnotation holds, on the pod template, the krm.Record of what each
// InjectSidecar config put there ("container/NAME" and "volume/NAME", each with the hash
// of its spec), so a re-run can tell its own containers and volumes from the user's.
const injectedAnnotation = "fn.unbake.dev/injected"

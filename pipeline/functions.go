// Package pipeline runs unbake functions from one binary and integrates them with
// kustomize, kpt and Argo CD.
package pipeline

import (
	"github.com/unbake/unbake/functions/initchain"
	"github.com/unbake/unbake/functions/injectsidecar"
	"github.com/unbake/unbake/functions/kanikojob"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/prepulldaemonset"
	"github.com/unbake/unbake/functions/scriptstoconfigmap"
	"github.com/unbake/unbake/functions/setrunas"
)

// Functions are every unbake function, by binary name.
var Functions = []krm.Function{
	injectsidecar.Function,
	scriptstoconfigmap.Function,
	kanikojob.Function,
	prepulldaemonset.Function,
	setrunas.Function,
	initchain.Function,
}

// Named returns the function named name (its binary name or its config kind).
func Named(name string) (krm.Function, bool) {
	for _, fn := range Functions {
		if fn.Name == name || fn.Kind == name {
			return fn, true
		}
	}
	return krm.Function{}, false
}

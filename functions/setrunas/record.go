package setrunas

import "github.com/unbake/unbake/functions/krm"

// recordAnnotation holds, on the pod template, the krm.Record of the fields each SetRunAs
// config set (see setting.key), so that a re-run with a changed config can replace or
// remove its own values, while values it did not set stay the user's: changing them
// needs override: true.
const recordAnnotation = "fn.unbake.dev/set-runas"

// record is the krm.Record of recordAnnotation, where each key has one owner.
type record struct{ krm.Record }

// claim makes key config's, taking it from any other config.
func (r record) claim(config, key string) {
	if owner, _ := r.Owner(key); owner != "" {
		r.Forget(owner, key)
	}
	r.Set(config, key, "")
}

package initchain

import (
	"strings"

	"github.com/unbake/unbake/functions/krm"
)

// recordAnnotation holds, on the pod template, the krm.Record of what each InitChain
// config added, so that a re-run with the same config changes nothing, and one with a
// changed config removes exactly what it added before: never a container, volume, mount
// or postStart hook of the user's. Its chainKey carries the hash of the whole chain.
const recordAnnotation = "fn.unbake.dev/init-chain"

const chainKey = "chain"

// added is what one config added: the keys of the parts (initKey, volumeKey, mountKey,
// postStartKey), sorted, and the hash of its chain.
type added struct {
	hash string
	keys []string
}

// recorded reads what config added.
func recorded(r krm.Record, config string) (old added, had bool) {
	for _, key := range r.Keys(config) {
		if hash, _ := r.OwnedBy(config, key); old.hash == "" {
			old.hash = hash // before chainKey, every key carried the chain's hash
		}
		if key != chainKey {
			old.keys = append(old.keys, key)
		}
	}
	return old, len(r.Keys(config)) > 0
}

// record makes keys (none: nothing) what config added, with its chain's hash.
func record(r krm.Record, config, hash string, keys []string) {
	for _, key := range r.Keys(config) {
		r.Forget(config, key)
	}
	if len(keys) == 0 {
		return
	}
	r.Set(config, chainKey, hash)
	for _, key := range keys {
		r.Set(config, key, "")
	}
}

// Keys of the parts a config adds.
func initKey(name string) string      { return "init/" + name }
func volumeKey(name string) string    { return "volume/" + name }
func postStartKey(name string) string { return "postStart/" + name }
func mountKey(container, mountPath string) string {
	return "mount/" + container + "=" + mountPath
}

// parseKey splits a key into its kind (init, volume, mount, postStart), container or
// volume name, and mount path.
func parseKey(key string) (kind, name, mountPath string) {
	kind, rest, _ := strings.Cut(key, "/")
	name, mountPath, _ = strings.Cut(rest, "=")
	return kind, name, mountPath
}

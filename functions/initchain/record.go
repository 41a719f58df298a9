package initchain

import (
	"maps"
	"net/url"
	"slices"
	"strings"
)

// recordAnnotation records, on the pod template, what each InitChain config added, so
// that a re-run with the same config changes nothing, and one with a changed config
// removes exactly what it added before: never a container, volume, mount or postStart
// hook of the user's.
const recordAnnotation = "fn.unbake.dev/init-chain"

// record maps a config's name to what it added. It is written as
// "CONFIG@HASH: key,key; CONFIG@HASH: key", sorted, so the output is stable.
type record map[string]entry

// entry is what one config added: the hash of its chain, and the keys of the parts
// (initKey, volumeKey, mountKey, postStartKey).
type entry struct {
	hash string
	keys []string
}

func parseRecord(value string) record {
	r := record{}
	for _, part := range strings.Split(value, ";") {
		owner, keys, ok := strings.Cut(strings.TrimSpace(part), ":")
		config, hash, _ := strings.Cut(owner, "@")
		if !ok || config == "" {
			continue
		}
		e := entry{hash: hash}
		for _, key := range strings.Split(keys, ",") {
			if key = strings.TrimSpace(key); key != "" {
				e.keys = append(e.keys, key)
			}
		}
		r[config] = e
	}
	return r
}

func (r record) String() string {
	var parts []string
	for _, config := range slices.Sorted(maps.Keys(r)) {
		parts = append(parts, config+"@"+r[config].hash+": "+strings.Join(r[config].keys, ","))
	}
	return strings.Join(parts, "; ")
}

// owner is the config whose entry has key, or "".
func (r record) owner(key string) string {
	for config, e := range r {
		if slices.Contains(e.keys, key) {
			return config
		}
	}
	return ""
}

// Keys of the parts a config adds. A mount path may hold the record's separators, so it
// is escaped.
func initKey(name string) string      { return "init/" + name }
func volumeKey(name string) string    { return "volume/" + name }
func postStartKey(name string) string { return "postStart/" + name }
func mountKey(container, mountPath string) string {
	return "mount/" + container + "=" + pathEscaper.Replace(mountPath)
}

var pathEscaper = strings.NewReplacer("%", "%25", ",", "%2C", ";", "%3B", " ", "%20")

// parseKey splits a key into its kind (init, volume, mount, postStart), container or
// volume name, and mount path.
func parseKey(key string) (kind, name, mountPath string) {
	kind, rest, _ := strings.Cut(key, "/")
	name, escaped, _ := strings.Cut(rest, "=")
	mountPath, err := url.PathUnescape(escaped)
	if err != nil {
		mountPath = escaped
	}
	return kind, name, mountPath
}

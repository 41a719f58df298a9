package krm

import (
	"maps"
	"net/url"
	"slices"
	"strings"
)

// Record is what each config of one function added to an object, kept in an annotation
// of the object (the pod template, for workloads): a re-run with the same config changes
// nothing, one with a changed config replaces or removes exactly what it added before,
// and what it did not add stays the user's.
//
// It maps a config's name to the keys of the parts it added (a function's own spelling,
// such as "container/nginx"), each with the hash of what was added when the function
// compares one. It is written as "CONFIG: KEY@HASH,KEY; CONFIG: KEY", configs and keys
// sorted, so that output is stable and readable.
type Record map[string]map[string]string

// ParseRecord reads an annotation's value. It also reads the comma-separated
// "KEY=CONFIG@HASH" lists that unbake wrote before every function used this format, so
// that rendering old output again converges.
func ParseRecord(value string) Record {
	r := Record{}
	for _, part := range strings.Split(value, ";") {
		config, keys, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			r.parseLegacy(part)
			continue
		}
		config, hash, _ := strings.Cut(strings.TrimSpace(config), "@") // InitChain's one hash per config
		for _, key := range strings.Split(keys, ",") {
			if key = strings.TrimSpace(key); key != "" {
				key, keyHash, _ := strings.Cut(key, "@")
				r.Set(config, unescapeKey(key), firstNonEmpty(keyHash, hash))
			}
		}
	}
	return r
}

func (r Record) parseLegacy(list string) {
	for _, entry := range strings.Split(list, ",") {
		if key, owner, ok := strings.Cut(strings.TrimSpace(entry), "="); ok {
			config, hash, _ := strings.Cut(owner, "@")
			r.Set(config, key, hash)
		}
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// String is the annotation's value; "" when no config owns anything.
func (r Record) String() string {
	var parts []string
	for _, config := range slices.Sorted(maps.Keys(r)) {
		var keys []string
		for _, key := range slices.Sorted(maps.Keys(r[config])) {
			if hash := r[config][key]; hash != "" {
				keys = append(keys, keyEscaper.Replace(key)+"@"+hash)
			} else {
				keys = append(keys, keyEscaper.Replace(key))
			}
		}
		if len(keys) > 0 {
			parts = append(parts, config+": "+strings.Join(keys, ","))
		}
	}
	return strings.Join(parts, "; ")
}

// Owner is the config that added key, and the hash it recorded; "" if none did.
func (r Record) Owner(key string) (config, hash string) {
	for config, keys := range r {
		if hash, ok := keys[key]; ok {
			return config, hash
		}
	}
	return "", ""
}

// OwnedBy tells whether config added key, and the hash it recorded.
func (r Record) OwnedBy(config, key string) (hash string, owned bool) {
	hash, owned = r[config][key]
	return hash, owned
}

// Keys lists what config added, sorted.
func (r Record) Keys(config string) []string {
	return slices.Sorted(maps.Keys(r[config]))
}

// Set records key as config's, with hash.
func (r Record) Set(config, key, hash string) {
	if r[config] == nil {
		r[config] = map[string]string{}
	}
	r[config][key] = hash
}

// Forget drops key from what config added.
func (r Record) Forget(config, key string) {
	delete(r[config], key)
	if len(r[config]) == 0 {
		delete(r, config)
	}
}

// A key may hold the separators (a mount path, say), so they are escaped.
var keyEscaper = strings.NewReplacer("%", "%25", ",", "%2C", ";", "%3B", " ", "%20", "@", "%40")

func unescapeKey(key string) string {
	if unescaped, err := url.PathUnescape(key); err == nil {
		return unescaped
	}
	return key
}

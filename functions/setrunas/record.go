package setrunas

import (
	"maps"
	"slices"
	"strings"
)

// recordAnnotation records, on the pod template, which fields each SetRunAs config set,
// so that a re-run with a changed config can replace or remove its own values, while
// values it did not set stay the user's: changing them needs override: true.
const recordAnnotation = "fn.unbake.dev/set-runas"

// record maps a config's name to the keys of the fields it set (see setting.key). It is
// written as "CONFIG: key,key; CONFIG: key", sorted, so the output is stable.
type record map[string]map[string]bool

func parseRecord(value string) record {
	r := record{}
	for _, entry := range strings.Split(value, ";") {
		config, keys, ok := strings.Cut(strings.TrimSpace(entry), ":")
		if !ok {
			continue
		}
		r[config] = map[string]bool{}
		for _, key := range strings.Split(keys, ",") {
			if key = strings.TrimSpace(key); key != "" {
				r[config][key] = true
			}
		}
	}
	return r
}

func (r record) String() string {
	var entries []string
	for _, config := range slices.Sorted(maps.Keys(r)) {
		if len(r[config]) > 0 {
			entries = append(entries, config+": "+strings.Join(slices.Sorted(maps.Keys(r[config])), ","))
		}
	}
	return strings.Join(entries, "; ")
}

// owner is the config that set key, or "".
func (r record) owner(key string) string {
	for config, keys := range r {
		if keys[key] {
			return config
		}
	}
	return ""
}

// claim makes key config's, taking it from any other config.
func (r record) claim(config, key string) {
	for _, keys := range r {
		delete(keys, key)
	}
	if r[config] == nil {
		r[config] = map[string]bool{}
	}
	r[config][key] = true
}

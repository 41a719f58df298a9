package injectsidecar

import (
	"sort"
	"strings"
)

// injectedAnnotation records, on the pod template, what each InjectSidecar config put
// there, so a re-run can tell its own containers and volumes from the user's.
const injectedAnnotation = "fn.unbake.dev/injected"

// record maps "container/NAME" and "volume/NAME" to "CONFIG@HASH"; it is written as a
// sorted, comma-separated list so that output is stable and readable.
type record map[string]string

func parseRecord(value string) record {
	r := record{}
	for _, entry := range strings.Split(value, ",") {
		if key, owner, ok := strings.Cut(strings.TrimSpace(entry), "="); ok {
			r[key] = owner
		}
	}
	return r
}

func (r record) String() string {
	entries := make([]string, 0, len(r))
	for key, owner := range r {
		entries = append(entries, key+"="+owner)
	}
	sort.Strings(entries)
	return strings.Join(entries, ",")
}

// ownedBy tells whether config injected key, and with which hash.
func (r record) ownedBy(key, config string) (hash string, owned bool) {
	owner, found := r[key]
	name, hash, _ := strings.Cut(owner, "@")
	return hash, found && name == config
}

// keys lists the entries config owns.
func (r record) keysOf(config string) []string {
	var keys []string
	for key := range r {
		if _, owned := r.ownedBy(key, config); owned {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	return keys
}

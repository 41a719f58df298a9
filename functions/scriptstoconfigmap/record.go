package scriptstoconfigmap

import (
	"sort"
	"strings"

	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// volumesAnnotation records on the pod template which volume each ScriptsToConfigMap
// config added, as sorted, comma-separated VOLUME=ScriptsToConfigMap.NAME entries: a
// re-run replaces that volume and every mount of it, and never takes a user's volume of
// the same name for its own.
const volumesAnnotation = "fn.unbake.dev/configmap-volumes"

// ownedVolume is the volume generator added to the pod, or "".
func ownedVolume(w workload.Workload, generator string) string {
	for _, entry := range strings.Split(w.Annotation(volumesAnnotation), ",") {
		if volume, owner, ok := strings.Cut(strings.TrimSpace(entry), "="); ok && owner == generator {
			return volume
		}
	}
	return ""
}

// recordVolume records volume as generator's ("" forgets generator's entry).
func recordVolume(w workload.Workload, generator, volume string, e *edit) error {
	var entries []string
	for _, entry := range strings.Split(w.Annotation(volumesAnnotation), ",") {
		entry = strings.TrimSpace(entry)
		if _, owner, ok := strings.Cut(entry, "="); ok && owner != generator {
			entries = append(entries, entry)
		}
	}
	if volume != "" {
		entries = append(entries, volume+"="+generator)
	}
	sort.Strings(entries)
	value := strings.Join(entries, ",")
	if value == w.Annotation(volumesAnnotation) {
		return nil
	}
	e.surely = true
	if err := w.SetAnnotation(volumesAnnotation, value); err != nil || value != "" {
		return err
	}
	return yaml.ClearEmptyAnnotations(w.Template)
}

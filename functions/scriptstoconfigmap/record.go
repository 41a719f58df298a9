package scriptstoconfigmap

import (
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
)

// volumesAnnotation holds, on the pod template, the krm.Record of the volume each
// ScriptsToConfigMap config added ("volume/NAME"): a re-run replaces that volume and
// every mount of it, and never takes a user's volume of the same name for its own.
const volumesAnnotation = "fn.unbake.dev/configmap-volumes"

// volumes reads the record. Entries of the older "VOLUME=ScriptsToConfigMap.NAME" lists
// read as config "ScriptsToConfigMap.NAME" owning key "VOLUME", and are moved to the
// config's name.
func volumes(w workload.Workload) krm.Record {
	r := krm.ParseRecord(w.Annotation(volumesAnnotation))
	for config := range r {
		if name, legacy := strings.CutPrefix(config, kind+"."); legacy {
			for _, volume := range r.Keys(config) {
				r.Forget(config, volume)
				r.Set(name, "volume/"+volume, "")
			}
		}
	}
	return r
}

// ownedVolume is the volume generator added to the pod, or "".
func ownedVolume(w workload.Workload, generator string) string {
	for _, key := range volumes(w).Keys(configName(generator)) {
		if volume, ok := strings.CutPrefix(key, "volume/"); ok {
			return volume
		}
	}
	return ""
}

// recordVolume records volume as generator's ("" forgets generator's entry).
func recordVolume(w workload.Workload, generator, volume string, e *edit) error {
	r, config := volumes(w), configName(generator)
	for _, key := range r.Keys(config) {
		r.Forget(config, key)
	}
	if volume != "" {
		r.Set(config, "volume/"+volume, "")
	}
	changed, err := w.SetRecord(volumesAnnotation, r)
	e.surely = e.surely || changed
	return err
}

func configName(generator string) string { return strings.TrimPrefix(generator, kind+".") }

package prepulldaemonset

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// placement is where a workload's pods may run by the scheduler's hard rules: its
// nodeSelector, its required node affinity and its tolerations. Preferences and pod
// (anti-)affinity do not keep a pod off a node, so they do not limit where its images
// are needed.
type placement struct {
	NodeSelector map[string]string    `json:"nodeSelector,omitempty"`
	Required     *corev1.NodeSelector `json:"required,omitempty"`
	Tolerations  []corev1.Toleration  `json:"tolerations,omitempty"`
}

// key identifies a placement: its JSON, with the tolerations sorted and de-duplicated
// (encoding/json sorts map keys). "" for a workload that sets none.
func (p placement) key() string {
	if len(p.NodeSelector) == 0 && p.Required == nil && len(p.Tolerations) == 0 {
		return ""
	}
	data, _ := json.Marshal(p)
	return string(data)
}

// placementOf reads a workload's placement. A field the API server would reject (a
// nodeSelector that is no map of strings) is reported, and the workload counts as
// unplaced: its images then go where the config's own placement says.
func placementOf(w workload.Workload) (placement, string) {
	var p placement
	for _, f := range []struct {
		path []string
		into any
	}{
		{[]string{"spec", "nodeSelector"}, &p.NodeSelector},
		{[]string{"spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"}, &p.Required},
		{[]string{"spec", "tolerations"}, &p.Tolerations},
	} {
		node := krm.Get(w.Template, f.path...)
		if node == nil {
			continue
		}
		data, err := node.MarshalJSON()
		if err == nil {
			err = json.Unmarshal(data, f.into)
		}
		if err != nil {
			return placement{}, w.Field(strings.Join(f.path, "."))
		}
	}
	p.Tolerations = sortedTolerations(p.Tolerations)
	return p, ""
}

func sortedTolerations(ts []corev1.Toleration) []corev1.Toleration {
	byKey := map[string]corev1.Toleration{}
	for _, t := range ts {
		data, _ := json.Marshal(t)
		byKey[string(data)] = t
	}
	var out []corev1.Toleration
	for _, k := range slices.Sorted(maps.Keys(byKey)) {
		out = append(out, byKey[k])
	}
	return out
}

// group is one DaemonSet: the images that share a placement.
type group struct {
	key       string
	placement placement
	images    []image
	listed    int
	// workloads whose images the group holds, for the results.
	workloads []string
}

// hashLen of the placement hash in a placed group's DaemonSet name.
const placementHashLen = 8

// name is the DaemonSet's: the config's name for the images that follow no workload's
// placement (so the output of earlier versions converges), and the name with a hash of
// the placement for the others.
func (g group) name(cfg *fnconfigs.PrepullDaemonSet) string {
	if g.key == "" {
		return cfg.Metadata.Name
	}
	sum := sha256.Sum256([]byte(g.key))
	return cfg.Metadata.Name + "-" + hex.EncodeToString(sum[:])[:placementHashLen]
}

// podPlacement is where the group's pods run. spec.placement, when set, is the only one.
// The unplaced group takes the config's nodeSelector, tolerations and affinity. A placed
// group takes its workloads' nodeSelector over the config's (a key of both: the
// workload's value), the tolerations of both, and the workloads' required node affinity
// instead of the config's affinity when they have one.
func (g group) podPlacement(s *fnconfigs.PrepullDaemonSetSpec) (map[string]string, []corev1.Toleration, *corev1.Affinity) {
	if s.Placement != nil {
		return s.Placement.NodeSelector, s.Placement.Tolerations, s.Placement.Affinity
	}
	if g.key == "" {
		return s.NodeSelector, s.Tolerations, s.Affinity
	}
	selector := maps.Clone(s.NodeSelector)
	if selector == nil && len(g.placement.NodeSelector) > 0 {
		selector = map[string]string{}
	}
	maps.Copy(selector, g.placement.NodeSelector)
	tolerations := slices.Concat(g.placement.Tolerations, slices.DeleteFunc(slices.Clone(s.Tolerations), func(t corev1.Toleration) bool {
		return slices.ContainsFunc(g.placement.Tolerations, func(o corev1.Toleration) bool { return o.MatchToleration(&t) && t.MatchToleration(&o) })
	}))
	affinity := s.Affinity
	if g.placement.Required != nil {
		affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: g.placement.Required}}
	}
	return selector, tolerations, affinity
}

// describe says where a placed group's pods run, for the results.
func (g group) describe() string {
	var parts []string
	if len(g.placement.NodeSelector) > 0 {
		var pairs []string
		for _, k := range slices.Sorted(maps.Keys(g.placement.NodeSelector)) {
			pairs = append(pairs, k+"="+g.placement.NodeSelector[k])
		}
		parts = append(parts, "nodeSelector "+strings.Join(pairs, ","))
	}
	if g.placement.Required != nil {
		parts = append(parts, "required node affinity")
	}
	if n := len(g.placement.Tolerations); n > 0 {
		parts = append(parts, plural(n, "toleration"))
	}
	return strings.Join(parts, ", ")
}

// groups sorts the images into DaemonSets: the listed images and those of workloads
// without placement first, under the config's name, then one group per placement of the
// other workloads, sorted by name. An image used under several placements is in each of
// their groups, so it reaches every node where one of its workloads can run.
func (c *collection) groups() []group {
	byKey := map[string]*group{"": {}}
	for _, f := range c.discovered {
		g := byKey[f.placement.key()]
		if g == nil {
			g = &group{key: f.placement.key(), placement: f.placement}
			byKey[g.key] = g
		}
		if !slices.Contains(g.workloads, f.workload) {
			g.workloads = append(g.workloads, f.workload)
		}
	}
	var out []group
	for _, key := range slices.Sorted(maps.Keys(byKey)) {
		g := byKey[key]
		var listed []found
		if key == "" {
			listed = c.listed
		}
		g.images, g.listed = pick(listed, slices.DeleteFunc(slices.Clone(c.discovered), func(f found) bool { return f.placement.key() != key }))
		if len(g.images) > 0 {
			slices.Sort(g.workloads)
			out = append(out, *g)
		}
	}
	slices.SortStableFunc(out, func(a, b group) int {
		return cmp.Or(cmp.Compare(placed(a), placed(b)), strings.Compare(a.name(c.cfg), b.name(c.cfg)))
	})
	return out
}

// checkNames reports placed groups whose DaemonSet name would be too long for the label
// value it also is.
func (c *collection) checkNames(config *yaml.RNode, groups []group) {
	for _, g := range groups {
		if name := g.name(c.cfg); g.key != "" && len(name) > 63 {
			c.results = append(c.results, krm.ErrorResult(config, "metadata.name",
				"the DaemonSet for the images of %s would be named %s, longer than the 63 characters of a label value: shorten metadata.name to at most %d characters, or set spec.placement",
				strings.Join(g.workloads, ", "), name, 63-1-placementHashLen))
			return
		}
	}
}

// placed orders the unplaced group first.
func placed(g group) int {
	if g.key == "" {
		return 0
	}
	return 1
}

package workload

import (
	"path"
	"slices"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Matches tells whether sel picks the workload in item; a nil selector picks every one.
func Matches(sel *fnconfigs.Selector, item *yaml.RNode) bool {
	if sel == nil {
		return true
	}
	if len(sel.Kinds) > 0 && !slices.Contains(sel.Kinds, item.GetKind()) {
		return false
	}
	if len(sel.Names) > 0 && !slices.ContainsFunc(sel.Names, func(glob string) bool {
		ok, _ := path.Match(glob, item.GetName())
		return ok
	}) {
		return false
	}
	if len(sel.Namespaces) > 0 && !slices.Contains(sel.Namespaces, item.GetNamespace()) {
		return false
	}
	return Subset(sel.Labels, item.GetLabels()) && Subset(sel.Annotations, item.GetAnnotations())
}

// namesItem tells whether sel names item explicitly: one of its names, without a glob, is
// the item's name. Only so does a selector pick an item another config generated, which
// otherwise belongs to its generator alone: a function that changed it would be undone
// by the generator's next run, and a pipeline rendered again would never settle.
func namesItem(sel *fnconfigs.Selector, item *yaml.RNode) bool {
	return sel != nil && slices.ContainsFunc(sel.Names, func(name string) bool {
		return name == item.GetName() && !strings.ContainsAny(name, `*?[\`)
	})
}

// leftToGenerator tells that a selector would have picked an item another config
// generated, and how to pick it all the same.
func leftToGenerator(item *yaml.RNode, generator, selectorPath string) *framework.Result {
	return krm.InfoResult(item, "left alone: %s generated it (annotation %s), so the next render would undo any change; to change it all the same, name %q in %s.names",
		generator, krm.GeneratedByAnnotation, item.GetName(), selectorPath)
}

// Subset tells whether have holds every key of want with its value, as a label selector
// matches.
func Subset(want, have map[string]string) bool {
	for k, v := range want {
		if got, ok := have[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// OptOutAnnotation, "false" on a workload or its pod template, keeps every function that
// selects workloads from changing it.
const OptOutAnnotation = "fn.unbake.dev/inject"

// Each calls visit on every workload of rl in list order, telling whether targets pick
// it, as rl.Each visits items: visit must not keep w beyond the call. A workload that
// exclude matches or that opts out is not picked, so a function removes what it added
// there before. When the selector matches none and the config does not allow that, it
// adds an error result on selectorPath to rl.
func Each(rl *krm.ResourceList, targets fnconfigs.Targets, selectorPath string, visit func(w Workload, picked bool) error) error {
	matched := false
	err := rl.Each(func(item *yaml.RNode) error {
		w, generator, ok := Candidate(item)
		if !ok {
			return nil
		}
		picked := Matches(targets.Selector, item)
		matched = matched || picked
		switch {
		case !picked:
		case generator != "" && !namesItem(targets.Selector, item):
			rl.Results = append(rl.Results, leftToGenerator(item, generator, selectorPath))
			picked = false
		case targets.Exclude != nil && Matches(targets.Exclude, item):
			picked = false
		case w.optsOut():
			rl.Results = append(rl.Results, krm.InfoResult(item,
				"left alone: the workload is annotated %s: \"false\"; remove the annotation to let the config change it", OptOutAnnotation))
			picked = false
		}
		return visit(w, picked)
	})
	if err != nil {
		return err
	}
	if !matched && !targets.AllowNoMatch {
		rl.Results = append(rl.Results, krm.ErrorResult(rl.FunctionConfig, selectorPath,
			"%s matches no workload among the %d items: correct the selector (kinds: %v), or set allowNoMatch: true if that is expected",
			selectorPath, rl.Len(), fnconfigs.WorkloadKinds))
	}
	return nil
}

// LeftInPlace warns where the config of kind no longer picks w but added, before, what
// its krm.Record in annotation lists: the function leaves it in place, for reason.
func LeftInPlace(w Workload, annotation, kind, config, reason string) []*framework.Result {
	keys := krm.ParseRecord(w.Annotation(annotation)).Keys(config)
	if len(keys) == 0 {
		return nil
	}
	return []*framework.Result{krm.WarningResult(w.Item, w.Field("metadata.annotations"),
		"%s %s no longer picks this workload but added %s here before: they stay, %s; remove them and the config's entry in the pod-template annotation %s by hand",
		kind, config, strings.Join(keys, ", "), reason, annotation)}
}

package workload

import (
	"path"
	"slices"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
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

// Each calls visit on every workload of rl in list order, telling whether targets pick
// it, as rl.Each visits items: visit must not keep w beyond the call. When targets pick
// none and the config does not allow that, it adds an error result on selectorPath to rl.
func Each(rl *krm.ResourceList, targets fnconfigs.Targets, selectorPath string, visit func(w Workload, picked bool) error) error {
	matched := false
	err := rl.Each(func(item *yaml.RNode) error {
		if krm.Reserved(item) {
			return nil
		}
		w, ok := Of(item)
		if !ok {
			return nil
		}
		picked := Matches(targets.Selector, item)
		matched = matched || picked
		return visit(w, picked)
	})
	if err != nil {
		return err
	}
	if !matched && !targets.AllowNoMatch {
		rl.Results = append(rl.Results, krm.Error(rl.FunctionConfig, selectorPath,
			"%s matches no workload among the %d items: correct the selector (kinds: %v), or set allowNoMatch: true if that is expected",
			selectorPath, rl.Len(), fnconfigs.WorkloadKinds))
	}
	return nil
}

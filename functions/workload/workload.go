// Package workload finds the pod templates of every pod-bearing kind and picks the
// workloads a config's selector names.
package workload

import (
	"strings"

	"github.com/unbake/unbake/functions/krm"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Workload is an item that carries a pod template.
type Workload struct {
	Item *yaml.RNode
	// Template is the pod template: the object with the pod's metadata and spec (for a
	// Pod, the item itself).
	Template *yaml.RNode
	// TemplatePath is the template's field path in the item, "" for a Pod.
	TemplatePath string
}

// templatePaths says where each kind keeps its pod template, by API group.
var templatePaths = map[string]struct {
	group string
	path  []string
}{
	"Pod":                   {"", nil},
	"ReplicationController": {"", []string{"spec", "template"}},
	"Deployment":            {"apps", []string{"spec", "template"}},
	"StatefulSet":           {"apps", []string{"spec", "template"}},
	"DaemonSet":             {"apps", []string{"spec", "template"}},
	"ReplicaSet":            {"apps", []string{"spec", "template"}},
	"Job":                   {"batch", []string{"spec", "template"}},
	"CronJob":               {"batch", []string{"spec", "jobTemplate", "spec", "template"}},
}

// Candidate is the workload in item for a function to consider: none for reserved items
// (a Kptfile, local config) or items without a pod template. generatedBy names the
// config that generated item, if one did.
func Candidate(item *yaml.RNode) (w Workload, generatedBy string, ok bool) {
	if krm.Reserved(item) {
		return Workload{}, "", false
	}
	if w, ok = Of(item); !ok {
		return Workload{}, "", false
	}
	return w, krm.GeneratedBy(item), true
}

// Of returns the workload in item, or false when item carries no pod template (other
// kinds, a same-named kind of another API group, or a template that is missing).
func Of(item *yaml.RNode) (Workload, bool) {
	where, ok := templatePaths[item.GetKind()]
	if !ok || group(item.GetApiVersion()) != where.group {
		return Workload{}, false
	}
	template := item
	if where.path != nil {
		n := krm.Lookup(item.YNode(), where.path...)
		if n == nil {
			return Workload{}, false
		}
		template = yaml.NewRNode(n)
	}
	// A template of another shape is not one the API server would take: left alone.
	if !podShaped(template) {
		return Workload{}, false
	}
	return Workload{Item: item, Template: template, TemplatePath: strings.Join(where.path, ".")}, true
}

// podShaped tells whether a pod template has the shape functions edit: a mapping whose
// spec, if present, is a mapping with lists of named mappings for its containers, their
// volume mounts, and its volumes.
func podShaped(template *yaml.RNode) bool {
	if template.YNode().Kind != yaml.MappingNode || krm.CheckShape(template) != nil {
		return false
	}
	spec := krm.Lookup(template.YNode(), "spec")
	if spec == nil {
		return true
	}
	if spec.Kind != yaml.MappingNode {
		return false
	}
	for _, list := range []string{InitContainers, AppContainers, "volumes"} {
		entries := krm.Lookup(spec, list)
		if isMissingOrNull(entries) {
			continue
		}
		if !namedMappings(entries) {
			return false
		}
		for _, n := range entries.Content {
			mounts := krm.Lookup(n, "volumeMounts")
			if list != "volumes" && !isMissingOrNull(mounts) && !namedMappings(mounts) {
				return false
			}
		}
	}
	return true
}

func isMissingOrNull(n *yaml.Node) bool { return n == nil || n.Tag == yaml.NodeTagNull }

// namedMappings tells a list whose entries are mappings with a name, as the API requires
// of containers, volumes and volume mounts.
func namedMappings(list *yaml.Node) bool {
	if list.Kind != yaml.SequenceNode {
		return false
	}
	for _, n := range list.Content {
		if n.Kind != yaml.MappingNode {
			return false
		}
		if name := krm.Lookup(n, "name"); name == nil || name.Kind != yaml.ScalarNode {
			return false
		}
	}
	return true
}

func group(apiVersion string) string {
	if i := strings.IndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[:i]
	}
	return ""
}

// Field is the item's field path for a path relative to the template, for results.
func (w Workload) Field(relative string) string {
	if w.TemplatePath == "" {
		return relative
	}
	return w.TemplatePath + "." + relative
}

// Labels are the pod's labels, which Services select on.
func (w Workload) Labels() map[string]string { return w.Template.GetLabels() }

// Annotation returns a pod-template annotation.
func (w Workload) Annotation(key string) string { return w.Template.GetAnnotations(key)[key] }

// SetAnnotation sets a pod-template annotation ("" removes it).
// SetRecord writes a krm.Record to the pod-template annotation key when it changed,
// and removes the annotation (and the metadata left empty) when it records nothing.
func (w Workload) SetRecord(key string, r krm.Record) (changed bool, err error) {
	value := r.String()
	if value == w.Annotation(key) {
		return false, nil
	}
	if err := w.SetAnnotation(key, value); err != nil || value != "" {
		return true, err
	}
	return true, yaml.ClearEmptyAnnotations(w.Template)
}

func (w Workload) SetAnnotation(key, value string) error {
	if value == "" {
		return w.Template.PipeE(yaml.ClearAnnotation(key))
	}
	if w.Template.Field("metadata") != nil {
		return w.Template.PipeE(yaml.SetAnnotation(key, value))
	}
	// A new metadata block goes first, where readers of a pod template look for it.
	metadata := yaml.NewMapRNode(nil)
	if err := metadata.SetAnnotations(map[string]string{key: value}); err != nil {
		return err
	}
	w.Template.YNode().Content = append([]*yaml.Node{yaml.NewStringRNode("metadata").YNode(),
		metadata.Field("metadata").Value.YNode()}, w.Template.YNode().Content...)
	return nil
}

// IsJob tells whether the pods run to completion, where a plain sidecar never exits.
func (w Workload) IsJob() bool {
	k := w.Item.GetKind()
	return k == "Job" || k == "CronJob"
}

// optsOut tells whether the workload or its pod template is annotated
// OptOutAnnotation: "false".
func (w Workload) optsOut() bool {
	return w.Item.GetAnnotations()[OptOutAnnotation] == "false" || w.Annotation(OptOutAnnotation) == "false"
}

package setrunas

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/unbake/unbake/functions/krm"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Seccomp profile types that profile restricted accepts.
const (
	runtimeDefault = "RuntimeDefault"
	localhost      = "Localhost"
)

// path is a field's path below the pod spec or container that holds the securityContext.
// Callers must not change it: the paths of the fields set-runas writes are split once, and
// shared.
func path(field string) []string {
	if p, ok := paths[field]; ok {
		return p
	}
	return splitPath(field)
}

var paths = func() map[string][]string {
	m := map[string][]string{}
	for _, f := range fieldOrder {
		m[f] = splitPath(f)
	}
	m[automountServiceAccountToken] = []string{automountServiceAccountToken}
	return m
}()

func splitPath(field string) []string {
	return append([]string{"securityContext"}, strings.Split(field, ".")...)
}

// current is the field's value under parent (the pod spec or a container), or nil.
func current(parent *yaml.RNode, field string) *yaml.RNode {
	n := krm.Get(parent, path(field)...)
	if yaml.IsMissingOrNull(n) {
		return nil
	}
	return n
}

// satisfiedBy tells whether value already gives what the setting wants. A Localhost
// seccomp profile is as acceptable as RuntimeDefault, and capabilities.drop only needs to
// contain ALL.
func (s setting) satisfiedBy(value *yaml.RNode) bool {
	if value == nil {
		return false
	}
	switch s.field {
	case dropCapabilities:
		return slices.Contains(scalars(value), "ALL")
	case seccompProfile:
		// RuntimeDefault, wanted, is met by a Localhost profile too; another wanted
		// profile is met by itself only.
		t := krm.ScalarAt(value.YNode(), "type")
		if krm.ScalarAt(s.value.YNode(), "type") == runtimeDefault {
			return t == runtimeDefault || t == localhost
		}
	}
	return sameJSON(value, s.value)
}

// conflicts tells whether an existing value must be replaced to apply the setting; ALL
// is added to capabilities.drop beside what is there.
func (s setting) conflicts(value *yaml.RNode) bool {
	return value != nil && s.field != dropCapabilities && !s.satisfiedBy(value)
}

// apply writes the setting under parent.
func (s setting) apply(parent *yaml.RNode) error {
	p := path(s.field)
	if s.field == dropCapabilities {
		list, err := krm.Ensure(parent, yaml.SequenceNode, p...)
		if err != nil {
			return err
		}
		list.YNode().Content = append(list.YNode().Content, s.value.Copy().YNode())
		return nil
	}
	holder, err := krm.Ensure(parent, yaml.MappingNode, p[:len(p)-1]...)
	if err != nil {
		return err
	}
	if len(holder.Content()) == 0 {
		holder.YNode().Style = 0 // not {runAsUser: 1000} after an empty securityContext: {}
	}
	return holder.PipeE(yaml.SetField(p[len(p)-1], s.value.Copy()))
}

// remove takes field, or the ALL this function added to capabilities.drop, out of
// parent's securityContext, and the mappings that this leaves empty.
func remove(parent *yaml.RNode, field string) error {
	p := path(field)
	holder := krm.Get(parent, p[:len(p)-1]...)
	if holder == nil {
		return nil
	}
	last := p[len(p)-1]
	if field == dropCapabilities {
		if list := holder.Field(last); list != nil {
			list.Value.YNode().Content = slices.DeleteFunc(list.Value.YNode().Content,
				func(n *yaml.Node) bool { return n.Value == "ALL" })
			if len(list.Value.Content()) > 0 {
				return nil
			}
		}
	}
	if err := holder.PipeE(yaml.Clear(last)); err != nil {
		return err
	}
	for i := len(p) - 1; i > 0; i-- {
		above := krm.Get(parent, p[:i-1]...)
		if above == nil {
			return nil
		}
		if err := above.PipeE(yaml.FieldClearer{Name: p[i-1], IfEmpty: true}); err != nil {
			return err
		}
	}
	return nil
}

func scalars(list *yaml.RNode) []string {
	var values []string
	for _, n := range list.Content() {
		values = append(values, n.Value)
	}
	return values
}

// sameJSON compares values as the API server reads them, whatever their YAML style.
func sameJSON(a, b *yaml.RNode) bool {
	ja, errA := toJSON(a)
	jb, errB := toJSON(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}

func toJSON(n *yaml.RNode) ([]byte, error) {
	var v any
	if err := n.YNode().Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

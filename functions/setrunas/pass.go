package setrunas

import (
	"fmt"
	"slices"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// pass is one config applied to one workload.
type pass struct {
	krm.Report
	cfg *fnconfigs.SetRunAs
	w   workload.Workload
	// list holds the pod's containers in spec order, and names their names, read once;
	// containers maps names to containers.
	list       []workload.Container
	names      []string
	containers map[string]workload.Container
	rec        record
	changes    []scopeChanges
	// writable are the changes applyWritables made.
	writable []scopeChanges
}

// scopeChanges are the changes made to the pod's ("") or a container's securityContext.
type scopeChanges struct {
	container string
	what      []string
}

func newPass(cfg *fnconfigs.SetRunAs, w workload.Workload) *pass {
	p := &pass{Report: krm.Report{Item: w.Item}, cfg: cfg, w: w, list: w.Containers(), containers: map[string]workload.Container{},
		rec: record{krm.ParseRecord(w.Annotation(recordAnnotation))}}
	for _, c := range p.list {
		p.names = append(p.names, c.Name())
		p.containers[c.Name()] = c
	}
	return p
}

func (p *pass) changed(container, what string) { addChange(&p.changes, container, what) }

func addChange(changes *[]scopeChanges, container, what string) {
	for i := range *changes {
		if (*changes)[i].container == container {
			(*changes)[i].what = append((*changes)[i].what, what)
			return
		}
	}
	*changes = append(*changes, scopeChanges{container: container, what: []string{what}})
}

// run applies the config to the workload and reports what it did.
func (p *pass) run() error {
	if !p.checkPod() {
		return nil
	}
	wanted := settings(&p.cfg.Spec, p.names)
	if err := p.removeLeftovers(wanted); err != nil {
		return err
	}
	if err := p.resolvePrecedence(wanted); err != nil {
		return err
	}
	for _, s := range wanted {
		if err := p.set(s); err != nil {
			return err
		}
	}
	if err := p.setupGroups(); err != nil {
		return err
	}
	if err := p.saveRecord(); err != nil {
		return err
	}
	if err := p.applyWritables(); err != nil {
		return err
	}
	p.warnMissingIDs()
	p.warnHome()
	p.warnTokenMount()
	if p.Failed() {
		return nil // the Pod Security check would repeat the conflicts reported
	}
	if err := p.checkPodSecurity(); err != nil {
		return err
	}
	if len(p.changes) > 0 && !p.Failed() {
		p.Infof("", "securityContext: %s", p.summary(p.changes))
	}
	if len(p.writable) > 0 && !p.Failed() {
		p.Infof("", "writable: %s", p.summary(p.writable))
	}
	return nil
}

// parent is the node holding the securityContext of the pod ("") or a container.
func (p *pass) parent(container string) (*yaml.RNode, error) {
	if container == "" {
		return krm.Ensure(p.w.Template, yaml.MappingNode, "spec")
	}
	return p.containers[container].Node, nil
}

// fieldOf is the item's field path of parent(container).
func (p *pass) fieldOf(container string) string {
	if container == "" {
		return p.w.Field("spec")
	}
	return p.w.Field(p.containers[container].Field())
}

// set applies one setting. A different value the config did not set before is the
// user's: replacing it needs override: true.
func (p *pass) set(s setting) error {
	parent, err := p.parent(s.container)
	if err != nil {
		return err
	}
	value := current(parent, s.field)
	if s.satisfiedBy(value) {
		return nil
	}
	config := p.cfg.Metadata.Name
	what := s.field + ": +ALL"
	if s.field != dropCapabilities {
		what = fmt.Sprintf("%s: %s", s.field, krm.Inline(s.value.YNode()))
	}
	if s.conflicts(value) {
		_, mine := p.rec.OwnedBy(config, s.key())
		if !mine && !p.cfg.Spec.Override {
			p.Errorf(p.fieldOf(s.container)+"."+strings.Join(path(s.field), "."),
				"%s is %s%s, and SetRunAs %s sets %s: set spec.override: true in the config to replace it, or change the config to match",
				s.field, krm.Inline(value.YNode()), p.setBy(s.key()), config, krm.Inline(s.value.YNode()))
			return nil
		}
		what += fmt.Sprintf(" (was %s", krm.Inline(value.YNode()))
		if !mine {
			what += "; override"
		}
		what += ")"
	}
	if err := s.apply(parent); err != nil {
		return err
	}
	p.rec.claim(config, s.key())
	p.changed(s.container, what)
	return nil
}

// setBy names another config that set key, for messages.
func (p *pass) setBy(key string) string {
	if owner, _ := p.rec.Owner(key); owner != "" {
		return fmt.Sprintf(" (set by SetRunAs %s)", owner)
	}
	return ""
}

// resolvePrecedence deals with containers whose own value of a field the config sets at
// pod level would win over it (Kubernetes applies a container's securityContext field
// before the pod's): an error, or with override: true, the container's value is removed
// so that the pod-level value applies.
func (p *pass) resolvePrecedence(wanted []setting) error {
	for _, s := range wanted {
		if s.container != "" || !slices.Contains(inheritable, s.field) {
			continue
		}
		for i, c := range p.list {
			value := current(c.Node, s.field)
			if value == nil || s.satisfiedBy(value) || wantsField(wanted, p.names[i], s.field) {
				continue
			}
			if !p.cfg.Spec.Override {
				p.Errorf(p.w.Field(c.Field()+".securityContext."+s.field),
					"container %q sets %s: %s, which takes precedence over the pod-level %s: %s that SetRunAs %s sets: set spec.override: true in the config to remove the container's value, or name the containers to change in spec.containers",
					p.names[i], s.field, krm.Inline(value.YNode()), s.field, krm.Inline(s.value.YNode()), p.cfg.Metadata.Name)
				continue
			}
			if err := remove(c.Node, s.field); err != nil {
				return err
			}
			p.changed(p.names[i], fmt.Sprintf("%s: %s removed, the pod's applies (override)", s.field, krm.Inline(value.YNode())))
		}
	}
	return nil
}

func wantsField(wanted []setting, container, field string) bool {
	return slices.ContainsFunc(wanted, func(s setting) bool { return s.container == container && s.field == field })
}

// removeLeftovers removes what the config set in an earlier run and no longer sets.
func (p *pass) removeLeftovers(wanted []setting) error {
	config := p.cfg.Metadata.Name
	keep := map[string]bool{}
	for _, s := range wanted {
		keep[s.key()] = true
	}
	if p.cfg.Spec.GroupSetup != nil {
		for _, name := range p.cfg.Spec.Containers {
			keep[recordKey(name, "command")] = true
		}
	}
	for _, key := range p.rec.Keys(config) {
		if keep[key] {
			continue
		}
		p.rec.Forget(config, key)
		container, field, inContainer := strings.Cut(key, "/")
		if !inContainer {
			container, field = "", key
		} else if _, exists := p.containers[container]; !exists {
			continue
		}
		if field == "command" {
			if err := p.restoreCommand(container); err != nil {
				return err
			}
			continue
		}
		parent, err := p.parent(container)
		if err != nil {
			return err
		}
		if err := remove(parent, field); err != nil {
			return err
		}
		what := field + " removed"
		if field == dropCapabilities {
			what = "ALL removed from " + field
		}
		p.changed(container, what+" (no longer in the config)")
	}
	return nil
}

// saveRecord writes the record when it changed.
func (p *pass) saveRecord() error {
	_, err := p.w.SetRecord(recordAnnotation, p.rec.Record)
	return err
}

// summary lists the changes, the pod's first, then the containers' in pod order.
func (p *pass) summary(changes []scopeChanges) string {
	order := podOrder(p.names)
	slices.SortStableFunc(changes, func(a, b scopeChanges) int { return order[a.container] - order[b.container] })
	parts := make([]string, len(changes))
	for i, c := range changes {
		scope := "pod"
		if c.container != "" {
			scope = fmt.Sprintf("container %q", c.container)
		}
		parts[i] = scope + " " + strings.Join(c.what, ", ")
	}
	return strings.Join(parts, "; ")
}

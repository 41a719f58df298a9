package krm

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Result builds a result about item (nil for none) and, when fieldPath is not empty, one
// of its fields.
func Result(severity framework.Severity, item *yaml.RNode, fieldPath, format string, args ...any) *framework.Result {
	r := &framework.Result{Severity: severity, Message: fmt.Sprintf(format, args...)}
	if item != nil {
		r.ResourceRef = ref(item)
		r.File = fileOf(item)
	}
	if fieldPath != "" {
		r.Field = &framework.Field{Path: fieldPath}
	}
	return r
}

// InfoResult reports a change made to item.
func InfoResult(item *yaml.RNode, format string, args ...any) *framework.Result {
	return Result(framework.Info, item, "", format, args...)
}

// WarningResult reports a problem that does not stop the run unless the config is strict.
func WarningResult(item *yaml.RNode, fieldPath, format string, args ...any) *framework.Result {
	return Result(framework.Warning, item, fieldPath, format, args...)
}

// ErrorResult reports a problem that fails the run.
func ErrorResult(item *yaml.RNode, fieldPath, format string, args ...any) *framework.Result {
	return Result(framework.Error, item, fieldPath, format, args...)
}

// FieldErrors turns apimachinery field errors about item into error results.
func FieldErrors(item *yaml.RNode, errs field.ErrorList) framework.Results {
	results := make(framework.Results, 0, len(errs))
	for _, e := range errs {
		results = append(results, ErrorResult(item, e.Field, "%s", e.Error()))
	}
	return results
}

// Propose sets the value that would fix the problem r reports.
func Propose(r *framework.Result, value any) *framework.Result {
	if r.Field == nil {
		r.Field = &framework.Field{}
	}
	r.Field.ProposedValue = value
	return r
}

// HasErrors tells whether any result is an error.
func HasErrors(results framework.Results) bool {
	for _, r := range results {
		if r.Severity == framework.Error {
			return true
		}
	}
	return false
}

// strict turns warnings into errors, for configs with strict: true.
func strict(results framework.Results) {
	for _, r := range results {
		if r.Severity == framework.Warning {
			r.Severity = framework.Error
			r.Message += " (an error because strict: true)"
		}
	}
}

// asResults unwraps results returned as an error, or wraps any other error as one.
func asResults(err error, functionConfig *yaml.RNode) framework.Results {
	var results framework.Results
	if errors.As(err, &results) {
		return results
	}
	return framework.Results{ErrorResult(functionConfig, "", "%s", err.Error())}
}

// ref identifies item in results.
func ref(item *yaml.RNode) *yaml.ResourceIdentifier {
	return &yaml.ResourceIdentifier{
		TypeMeta: yaml.TypeMeta{APIVersion: item.GetApiVersion(), Kind: item.GetKind()},
		NameMeta: yaml.NameMeta{Name: item.GetName(), Namespace: item.GetNamespace()},
	}
}

// fileOf is where kpt or kustomize read item from, as kioutil.GetFileAnnotations finds
// it, without building the item's metadata for every result.
func fileOf(item *yaml.RNode) *framework.File {
	path := annotation(item.YNode(), kioutil.PathAnnotation, kioutil.LegacyPathAnnotation)
	if path == "" {
		return nil
	}
	index := annotation(item.YNode(), kioutil.IndexAnnotation, kioutil.LegacyIndexAnnotation)
	i, _ := strconv.Atoi(index)
	return &framework.File{Path: path, Index: i}
}

// annotation is the value of the annotation key, or of legacy where key is absent.
func annotation(item *yaml.Node, key, legacy string) string {
	if v := Lookup(item, "metadata", "annotations", key); v != nil {
		return v.Value
	}
	return ScalarAt(item, "metadata", "annotations", legacy)
}

// Describe names item the way kubectl does: Kind namespace/name.
func Describe(item *yaml.RNode) string {
	if item == nil {
		return "the input"
	}
	name := item.GetName()
	if ns := item.GetNamespace(); ns != "" {
		name = ns + "/" + name
	}
	return strings.TrimSpace(item.GetKind() + " " + name)
}

// formatResult is the one-line form printed on stderr, where kustomize shows it.
func formatResult(r *framework.Result) string {
	var b strings.Builder
	b.WriteString(string(r.Severity))
	if r.ResourceRef != nil {
		b.WriteString(": " + strings.TrimSpace(r.ResourceRef.Kind+" "+qualifiedName(r.ResourceRef)))
	}
	if r.Field != nil && r.Field.Path != "" && !strings.HasPrefix(r.Message, r.Field.Path) {
		b.WriteString(": " + r.Field.Path)
	}
	b.WriteString(": " + r.Message)
	if r.Field != nil && r.Field.ProposedValue != nil {
		fmt.Fprintf(&b, " (proposed value: %v)", r.Field.ProposedValue)
	}
	return b.String()
}

func qualifiedName(id *yaml.ResourceIdentifier) string {
	if id.Namespace != "" {
		return id.Namespace + "/" + id.Name
	}
	return id.Name
}

// Subject is what results tell of item, its kind, name, namespace and file, as a small
// tree of its own: results about item can then be made after Each released its tree.
func Subject(item *yaml.RNode) *yaml.RNode {
	n := item.YNode()
	meta := map[string]string{"name": ScalarAt(n, "metadata", "name"), "namespace": ScalarAt(n, "metadata", "namespace")}
	annotations := map[string]string{}
	for _, key := range fileAnnotations {
		if v := Lookup(n, "metadata", "annotations", key); v != nil {
			annotations[key] = v.Value
		}
	}
	subject := yaml.NewMapRNode(&map[string]string{"apiVersion": ScalarAt(n, "apiVersion"), "kind": ScalarAt(n, "kind")})
	metadata := yaml.NewMapRNode(&meta)
	if len(annotations) > 0 {
		_ = metadata.PipeE(yaml.SetField("annotations", yaml.NewMapRNode(&annotations)))
	}
	_ = subject.PipeE(yaml.SetField("metadata", metadata))
	return subject
}

// Report gathers the results of editing one item for one config: about the item, or
// about a field of the config as found in that item. Functions embed it in the state of
// one item's edit.
type Report struct {
	// Item is the item edited; Config the functionConfig.
	Item, Config *yaml.RNode
	Results      framework.Results
}

// Infof reports a change made to the item (fieldPath "" for the item as a whole).
func (r *Report) Infof(fieldPath, format string, args ...any) {
	r.Results = append(r.Results, Result(framework.Info, r.Item, fieldPath, format, args...))
}

// Warnf reports a problem of the item's that does not stop the run; it returns the
// result, for Propose.
func (r *Report) Warnf(fieldPath, format string, args ...any) *framework.Result {
	w := WarningResult(r.Item, fieldPath, format, args...)
	r.Results = append(r.Results, w)
	return w
}

// Errorf reports a problem of the item's that fails the run.
func (r *Report) Errorf(fieldPath, format string, args ...any) {
	r.Results = append(r.Results, ErrorResult(r.Item, fieldPath, format, args...))
}

// ConfigErrorf reports a problem with a field of the config, found in the item, which
// the message names.
func (r *Report) ConfigErrorf(fieldPath, format string, args ...any) {
	r.Results = append(r.Results, ErrorResult(r.Config, fieldPath, "%s: %s", Describe(r.Item), fmt.Sprintf(format, args...)))
}

// Failed tells whether an error was reported.
func (r *Report) Failed() bool { return HasErrors(r.Results) }

package fnconfigs

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The pieces every config kind shares: its metadata, and the checks of names and mounts.

func validateDNSLabel(name string, p *field.Path) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(name) {
		errs = append(errs, field.Invalid(p, name, msg))
	}
	return errs
}

// Metadata is the config's own metadata: its name identifies what it generated or injected.
type Metadata struct {
	// Name of this config; recorded on what it changes.
	Name string `json:"name"`
	// Namespace, for kinds that generate namespaced objects.
	Namespace string `json:"namespace,omitempty"`
	// Labels are accepted and ignored.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations carry the tools' settings (config.kubernetes.io/function, local-config).
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Validate requires a DNS-label name: it becomes part of annotations and generated names.
func (m Metadata) Validate(p *field.Path) field.ErrorList {
	if m.Name == "" {
		return field.ErrorList{field.Required(p.Child("name"), "name this config: the name is recorded on what it changes")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(m.Name) {
		errs = append(errs, field.Invalid(p.Child("name"), m.Name, fmt.Sprint(msg)))
	}
	return errs
}

// validateMountPaths requires the path of every mount, as the API does.
func validateMountPaths(mounts []corev1.VolumeMount, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, m := range mounts {
		if m.MountPath == "" {
			errs = append(errs, field.Required(p.Index(i).Child("mountPath"),
				fmt.Sprintf("set the path volume %q is mounted at", m.Name)))
		}
	}
	return errs
}

package fnconfigs

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// InjectSidecar adds helper containers to a pod instead of installing the helper program
// into a derived image.
type InjectSidecar struct {
	metav1.TypeMeta `json:",inline"`
	Metadata        Metadata          `json:"metadata"`
	Spec            InjectSidecarSpec `json:"spec"`
}

// InjectSidecarSpec says what to inject and where.
type InjectSidecarSpec struct {
	Targets `json:",inline"`
	// Containers are the sidecars, as core/v1 Containers; at least one. Their names must be
	// DNS labels.
	Containers []corev1.Container `json:"containers"`
	// Volumes are added to the pod spec, e.g. a shared emptyDir or the sidecar's ConfigMap.
	Volumes []corev1.Volume `json:"volumes,omitempty"`
	// Native injects into initContainers with restartPolicy: Always (Kubernetes 1.29 and
	// later): the sidecar starts before the app and does not keep a Job from finishing.
	Native bool `json:"native,omitempty"`
	// Position is where the sidecars go among the existing containers (among the init
	// containers when native): first or last. Default last.
	Position string `json:"position,omitempty"`
	// ExposePort names a sidecar port. Services in the list whose selector matches the
	// pod's labels, and whose targetPort names or numbers another container's declared
	// port, are retargeted to it, so the app cannot be reached around the sidecar.
	ExposePort string `json:"exposePort,omitempty"`
	// Strict turns warnings into errors.
	Strict bool `json:"strict,omitempty"`
}

// Positions of injected sidecars among the existing containers.
const (
	PositionFirst = "first"
	PositionLast  = "last"
)

// Default sets position: last.
func (c *InjectSidecar) Default() {
	if c.Spec.Position == "" {
		c.Spec.Position = PositionLast
	}
}

// IsStrict tells whether warnings fail the run.
func (c *InjectSidecar) IsStrict() bool { return c.Spec.Strict }

// Validate checks the config on its own; checks against the pods come with the transform.
func (c *InjectSidecar) Validate() field.ErrorList {
	spec := field.NewPath("spec")
	errs := c.Metadata.Validate(field.NewPath("metadata"))
	errs = append(errs, c.Spec.Targets.Validate(spec)...)
	if len(c.Spec.Containers) == 0 {
		errs = append(errs, field.Required(spec.Child("containers"), "add at least one sidecar container"))
	}
	names := map[string]bool{}
	for i := range c.Spec.Containers {
		p := spec.Child("containers").Index(i)
		errs = append(errs, validateContainer(&c.Spec.Containers[i], c.Spec.Native, p)...)
		if name := c.Spec.Containers[i].Name; names[name] {
			errs = append(errs, field.Duplicate(p.Child("name"), name))
		}
		names[c.Spec.Containers[i].Name] = true
	}
	errs = append(errs, validateVolumes(c.Spec.Volumes, spec.Child("volumes"))...)
	if c.Spec.Position != PositionFirst && c.Spec.Position != PositionLast {
		errs = append(errs, field.NotSupported(spec.Child("position"), c.Spec.Position, []string{PositionFirst, PositionLast}))
	}
	if c.Spec.ExposePort != "" && c.ExposedPort() == nil {
		errs = append(errs, field.Invalid(spec.Child("exposePort"), c.Spec.ExposePort,
			"no sidecar port has this name: name one of spec.containers[*].ports[*].name"))
	}
	return errs
}

// ExposedPort returns the sidecar port named by exposePort, or nil.
func (c *InjectSidecar) ExposedPort() *corev1.ContainerPort {
	for i := range c.Spec.Containers {
		for j := range c.Spec.Containers[i].Ports {
			if p := &c.Spec.Containers[i].Ports[j]; p.Name == c.Spec.ExposePort {
				return p
			}
		}
	}
	return nil
}

func validateContainer(c *corev1.Container, native bool, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, validateDNSLabel(c.Name, p.Child("name"))...)
	if c.Image == "" {
		errs = append(errs, field.Required(p.Child("image"), "set the sidecar's image, pinned to a version"))
	}
	if c.RestartPolicy != nil && (!native || *c.RestartPolicy != corev1.ContainerRestartPolicyAlways) {
		errs = append(errs, field.Forbidden(p.Child("restartPolicy"),
			"remove it: spec.native: true sets restartPolicy: Always on native sidecars"))
	}
	errs = append(errs, validateMountPaths(c.VolumeMounts, p.Child("volumeMounts"))...)
	seen := map[string]bool{}
	for i, port := range c.Ports {
		pp := p.Child("ports").Index(i)
		for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
			errs = append(errs, field.Invalid(pp.Child("containerPort"), port.ContainerPort, msg))
		}
		if port.Name != "" {
			for _, msg := range validation.IsValidPortName(port.Name) {
				errs = append(errs, field.Invalid(pp.Child("name"), port.Name, msg))
			}
			if seen[port.Name] {
				errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
			}
			seen[port.Name] = true
		}
	}
	return errs
}

func validateVolumes(volumes []corev1.Volume, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	names := map[string]bool{}
	for i, v := range volumes {
		vp := p.Index(i)
		errs = append(errs, validateDNSLabel(v.Name, vp.Child("name"))...)
		if names[v.Name] {
			errs = append(errs, field.Duplicate(vp.Child("name"), v.Name))
		}
		names[v.Name] = true
		if v.VolumeSource == (corev1.VolumeSource{}) {
			errs = append(errs, field.Required(vp, "set a volume source, e.g. emptyDir: {} or configMap: {name: …}"))
		}
	}
	return errs
}

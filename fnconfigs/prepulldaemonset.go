package fnconfigs

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// PrepullDaemonSet generates a DaemonSet that keeps the pipeline's images on every node,
// so pods start without waiting for a pull. Its metadata names the DaemonSet.
type PrepullDaemonSet struct {
	metav1.TypeMeta `json:",inline"`
	// Metadata names the DaemonSet, and its namespace is that of everything generated
	// (required with refresh). The name is also a label value, so at most 63 characters;
	// 44 with refresh, whose CronJob is named `<name>-refresh` and may have 52.
	Metadata Metadata             `json:"metadata"`
	Spec     PrepullDaemonSetSpec `json:"spec"`
}

// PrepullDaemonSetSpec says which images to pre-pull and how the DaemonSet's pods run.
type PrepullDaemonSetSpec struct {
	// Images are pre-pulled as written, in this order, before the discovered ones.
	Images []string `json:"images,omitempty"`
	// Discover adds every image of every container and init container of every pod
	// template in the ResourceList, except those of the workloads another config
	// generated (fn.unbake.dev/generated-by, e.g. the kaniko Job). Run this function after
	// every step that adds or changes images: placed before one, it finds that step's
	// images only on the next render (`unbake run` refuses such a Pipeline).
	Discover bool `json:"discover,omitempty"`
	// Include keeps only the discovered images matching one of these globs (`*` matches
	// any characters, `/` included; `?` one character), tried on the reference as written
	// and fully qualified (docker.io/library/nginx:latest). Default: all.
	Include []string `json:"include,omitempty"`
	// Exclude drops the discovered images matching one of these globs, as include does.
	Exclude []string `json:"exclude,omitempty"`
	// Latest is what an untagged or `:latest` reference without a digest gets: warn
	// (default), error or allow. Pin versions or digests (seeds/003).
	Latest string `json:"latest,omitempty"`
	// SleepImage provides the sleep every pre-pull container runs, so images without a
	// shell or sleep (distroless, scratch) work too: an init container runs its
	// /bin/cp to copy its statically linked /bin/sleep into an emptyDir. Default
	// docker.io/library/busybox:1.37.0-musl (BusyBox built with CONFIG_STATIC=y).
	SleepImage string `json:"sleepImage,omitempty"`
	// NodeSelector picks the nodes that get the images; default kubernetes.io/os: linux,
	// and {} for every node.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations let the pods onto tainted nodes such as GPU nodes or the control plane
	// (core/v1 Tolerations).
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// Affinity narrows the nodes further (core/v1 Affinity).
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// PriorityClassName of the pods.
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// ImagePullSecrets of the pods, in the DaemonSet's namespace; those of the workloads
	// whose images are discovered are added.
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// Resources of every container of the pods; default requests cpu 1m, memory 10Mi and
	// limits cpu 10m, memory 20Mi (kubernetes-image-puller's memory): they only sleep.
	// Requests must not exceed limits.
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`
	// Refresh restarts the DaemonSet on a schedule, so mutable tags are pulled again.
	Refresh *PrepullRefresh `json:"refresh,omitempty"`
	// Strict turns warnings into errors.
	Strict bool `json:"strict,omitempty"`
}

// PrepullRefresh is a CronJob, with a ServiceAccount allowed to patch only this
// DaemonSet, that runs `kubectl rollout restart` on it.
type PrepullRefresh struct {
	// Schedule of the CronJob, in cron format: five fields (`0 3 * * 0`) or a macro such
	// as @weekly.
	Schedule string `json:"schedule"`
	// Image with kubectl; default registry.k8s.io/kubectl:v1.33.6, listed under "Container
	// Images" of v1.33.6 in Kubernetes' CHANGELOG/CHANGELOG-1.33.md. Keep it within one
	// minor version of the cluster.
	Image string `json:"image,omitempty"`
}

// What untagged and ':latest' references get.
const (
	LatestWarn  = "warn"
	LatestError = "error"
	LatestAllow = "allow"
)

// Defaults of PrepullDaemonSet. BusyBox's musl build is static, and its /bin/sleep and
// /bin/cp are hard links to that one binary, which picks the applet from its file name.
const (
	DefaultSleepImage = "docker.io/library/busybox:1.37.0-musl"
	// DefaultKubectlImage is listed under "Container Images" of v1.33.6 in Kubernetes'
	// CHANGELOG/CHANGELOG-1.33.md, within kubectl's one minor version of skew for 1.32
	// to 1.34 clusters.
	DefaultKubectlImage = "registry.k8s.io/kubectl:v1.33.6"
)

// maxCronJobName leaves room for the 11 characters the CronJob controller appends to
// its Jobs' names.
const maxCronJobName = 52

// RefreshSuffix names the refresh CronJob, ServiceAccount, Role and RoleBinding.
const RefreshSuffix = "-refresh"

// Default fills latest, sleepImage, nodeSelector, resources and refresh.image.
func (c *PrepullDaemonSet) Default() {
	s := &c.Spec
	if s.Latest == "" {
		s.Latest = LatestWarn
	}
	if s.SleepImage == "" {
		s.SleepImage = DefaultSleepImage
	}
	if s.NodeSelector == nil {
		s.NodeSelector = map[string]string{corev1.LabelOSStable: "linux"}
	}
	if len(s.Resources.Requests) == 0 && len(s.Resources.Limits) == 0 {
		s.Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1m"), corev1.ResourceMemory: resource.MustParse("10Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("20Mi")},
		}
	}
	if s.Refresh != nil && s.Refresh.Image == "" {
		s.Refresh.Image = DefaultKubectlImage
	}
}

// IsStrict tells whether warnings fail the run.
func (c *PrepullDaemonSet) IsStrict() bool { return c.Spec.Strict }

// Validate checks the config on its own; the discovered images are checked by the function.
func (c *PrepullDaemonSet) Validate() field.ErrorList {
	spec := field.NewPath("spec")
	s := &c.Spec
	errs := c.validateMetadata(field.NewPath("metadata"))
	if len(s.Images) == 0 && !s.Discover {
		errs = append(errs, field.Required(spec.Child("images"), "list images to pre-pull, or set spec.discover: true"))
	}
	for i, ref := range s.Images {
		errs = append(errs, validateImage(ref, spec.Child("images").Index(i))...)
	}
	if s.Latest != LatestWarn && s.Latest != LatestError && s.Latest != LatestAllow {
		errs = append(errs, field.NotSupported(spec.Child("latest"), s.Latest, []string{LatestWarn, LatestError, LatestAllow}))
	}
	errs = append(errs, validateImage(s.SleepImage, spec.Child("sleepImage"))...)
	errs = append(errs, metav1validation.ValidateLabels(s.NodeSelector, spec.Child("nodeSelector"))...)
	if s.PriorityClassName != "" {
		for _, msg := range validation.IsDNS1123Subdomain(s.PriorityClassName) {
			errs = append(errs, field.Invalid(spec.Child("priorityClassName"), s.PriorityClassName, msg))
		}
	}
	for i, secret := range s.ImagePullSecrets {
		p := spec.Child("imagePullSecrets").Index(i).Child("name")
		if secret.Name == "" {
			errs = append(errs, field.Required(p, "name the Secret"))
			continue
		}
		for _, msg := range validation.IsDNS1123Subdomain(secret.Name) {
			errs = append(errs, field.Invalid(p, secret.Name, msg))
		}
	}
	errs = append(errs, validateRequestsWithinLimits(s.Resources, spec.Child("resources"))...)
	if s.Refresh != nil {
		errs = append(errs, c.validateRefresh(spec.Child("refresh"))...)
	}
	return errs
}

// validateMetadata checks the names the DaemonSet gets: the name is also a label value,
// which is at most 63 characters.
func (c *PrepullDaemonSet) validateMetadata(p *field.Path) field.ErrorList {
	errs := c.Metadata.Validate(p)
	if len(errs) == 0 {
		for _, msg := range validation.IsValidLabelValue(c.Metadata.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), c.Metadata.Name, msg))
		}
	}
	if c.Metadata.Namespace != "" {
		errs = append(errs, validateDNSLabel(c.Metadata.Namespace, p.Child("namespace"))...)
	}
	return errs
}

func (c *PrepullDaemonSet) validateRefresh(p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if msg := cronScheduleProblem(c.Spec.Refresh.Schedule); msg != "" {
		errs = append(errs, field.Invalid(p.Child("schedule"), c.Spec.Refresh.Schedule, msg))
	}
	errs = append(errs, validateImage(c.Spec.Refresh.Image, p.Child("image"))...)
	if c.Metadata.Namespace == "" {
		// A RoleBinding's ServiceAccount subject must name its namespace.
		errs = append(errs, field.Required(field.NewPath("metadata", "namespace"),
			"spec.refresh binds a ServiceAccount to a Role, which needs the namespace: set metadata.namespace"))
	}
	if n := c.Metadata.Name + RefreshSuffix; len(n) > maxCronJobName {
		errs = append(errs, field.TooLong(field.NewPath("metadata", "name"), n, maxCronJobName-len(RefreshSuffix)))
	}
	return errs
}

func validateImage(ref string, p *field.Path) field.ErrorList {
	if ref == "" {
		return field.ErrorList{field.Required(p, "an image reference, e.g. nginx:1.27.3")}
	}
	if _, err := name.ParseReference(ref); err != nil {
		return field.ErrorList{field.Invalid(p, ref, err.Error())}
	}
	return nil
}

// validateRequestsWithinLimits rejects a request above its limit, as the API server does.
func validateRequestsWithinLimits(r corev1.ResourceRequirements, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, res := range slices.Sorted(maps.Keys(r.Requests)) {
		request := r.Requests[res]
		if limit, ok := r.Limits[res]; ok && request.Cmp(limit) > 0 {
			errs = append(errs, field.Invalid(p.Child("requests").Key(string(res)), request.String(),
				fmt.Sprintf("must be less than or equal to the limit %s", limit.String())))
		}
	}
	return errs
}

// cronMacros are the schedules the CronJob controller accepts besides five fields.
var cronMacros = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

// cronScheduleProblem checks the shape of a schedule (five fields or a macro); the API
// server checks the values.
func cronScheduleProblem(schedule string) string {
	s := strings.TrimSpace(schedule)
	switch {
	case s == "":
		return "set a schedule, e.g. \"0 3 * * 0\" (Sundays at 03:00) or @weekly"
	case strings.HasPrefix(s, "@"):
		if slices.Contains(cronMacros, s) {
			return ""
		}
		return "unknown macro: use one of " + strings.Join(cronMacros, ", ") + ", or five fields"
	case len(strings.Fields(s)) != 5:
		return "a cron schedule has five fields: minute hour day-of-month month day-of-week"
	}
	return ""
}

package fnconfigs

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
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
	// Placement, when set, is where every image goes, in one DaemonSet: it turns off
	// following the workloads' placement, and replaces nodeSelector, tolerations and
	// affinity (set those, or this). Without it, each discovered image goes where the
	// workloads that run it can run (see the README).
	Placement *PrepullPlacement `json:"placement,omitempty"`
	// NodeSelector picks the nodes that get the listed images and the images of workloads
	// that set no placement; default kubernetes.io/os: linux, and {} for every node. It is
	// merged under each workload's own nodeSelector for the images that follow a workload.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations let the pods onto tainted nodes such as GPU nodes or the control plane
	// (core/v1 Tolerations); added to the workloads' own for the images that follow them.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// Affinity narrows the nodes further (core/v1 Affinity); for the images that follow a
	// workload with required node affinity, the workload's node affinity replaces it.
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// PriorityClassName of the pods, e.g. one above the apps' so that a full node evicts
	// an app pod rather than the images it needs next (a DaemonSet pod that cannot be
	// scheduled leaves the node without the images).
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// MaxSurge is how many nodes, or what percentage of them (rounded up), start a new
	// pod before the old one stops when the DaemonSet changes: updateStrategy RollingUpdate
	// with maxUnavailable 0, so a node never drops an image while the new pod pulls.
	// Default 10%; at least 1.
	MaxSurge *intstr.IntOrString `json:"maxSurge,omitempty"`
	// ArgoCDSyncWave, an integer such as "-1", puts the DaemonSets in that Argo CD sync
	// wave: Argo CD applies the next wave (the app, wave 0 by default) only once they are
	// healthy, i.e. rolled out with every pod running, so the images are on the nodes
	// before the app's pods start. Empty: no annotation.
	ArgoCDSyncWave string `json:"argocdSyncWave,omitempty"`
	// ClusterVersion is the Kubernetes version of the cluster the output is for, e.g.
	// "1.33" or "v1.33.4": with refresh, a warning fires when the kubectl image is more
	// than one minor version away from it (kubectl's version-skew policy).
	ClusterVersion string `json:"clusterVersion,omitempty"`
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

// PrepullPlacement is where the pre-pull pods run: the core/v1 pod fields of that name.
type PrepullPlacement struct {
	// NodeSelector of the pods; nothing is added (set kubernetes.io/os: linux yourself).
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Affinity of the pods (core/v1 Affinity).
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// Tolerations of the pods (core/v1 Tolerations).
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
}

// PrepullRefresh is a CronJob, with a ServiceAccount allowed to patch only this
// DaemonSet, that runs `kubectl rollout restart` on it.
type PrepullRefresh struct {
	// Schedule of the CronJob, in cron format: five fields (`0 3 * * 0`) or a macro such
	// as @weekly.
	Schedule string `json:"schedule"`
	// KubectlImage is the image with kubectl; default registry.k8s.io/kubectl:v1.33.6,
	// listed under "Container Images" of v1.33.6 in Kubernetes' CHANGELOG/CHANGELOG-1.33.md.
	// Keep it within one minor version of the cluster (see clusterVersion).
	KubectlImage string `json:"kubectlImage,omitempty"`
	// Image is the former name of kubectlImage, still read; setting both to different
	// images is an error.
	Image string `json:"image,omitempty"`
}

// KubectlImageField is where the config names the kubectl image: spec.refresh.kubectlImage,
// or spec.refresh.image when only that former name is set.
func (r *PrepullRefresh) KubectlImageField() string {
	if r.Image != "" && r.Image == r.KubectlImage {
		return "spec.refresh.image"
	}
	return "spec.refresh.kubectlImage"
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
	// DefaultMaxSurge rolls a tenth of the nodes at a time (at least one): one node at a
	// time takes hours on a large cluster when every pod pulls gigabytes.
	DefaultMaxSurge = "10%"
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
	if s.NodeSelector == nil && s.Placement == nil {
		s.NodeSelector = map[string]string{corev1.LabelOSStable: "linux"}
	}
	if s.MaxSurge == nil {
		s.MaxSurge = new(intstr.FromString(DefaultMaxSurge))
	}
	if len(s.Resources.Requests) == 0 && len(s.Resources.Limits) == 0 {
		s.Resources = corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1m"), corev1.ResourceMemory: resource.MustParse("10Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("20Mi")},
		}
	}
	if s.Refresh != nil && s.Refresh.KubectlImage == "" {
		s.Refresh.KubectlImage = cmp.Or(s.Refresh.Image, DefaultKubectlImage)
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
	if s.Placement != nil {
		if s.NodeSelector != nil || len(s.Tolerations) > 0 || s.Affinity != nil {
			errs = append(errs, field.Forbidden(spec.Child("placement"),
				"placement replaces spec.nodeSelector, spec.tolerations and spec.affinity: move them into spec.placement"))
		}
		errs = append(errs, metav1validation.ValidateLabels(s.Placement.NodeSelector, spec.Child("placement", "nodeSelector"))...)
	}
	errs = append(errs, validateMaxSurge(*s.MaxSurge, spec.Child("maxSurge"))...)
	if s.ArgoCDSyncWave != "" {
		if _, err := strconv.Atoi(s.ArgoCDSyncWave); err != nil {
			errs = append(errs, field.Invalid(spec.Child("argocdSyncWave"), s.ArgoCDSyncWave, "an Argo CD sync wave is an integer, e.g. \"-1\""))
		}
	}
	if s.ClusterVersion != "" {
		if _, ok := MinorVersion(s.ClusterVersion); !ok {
			errs = append(errs, field.Invalid(spec.Child("clusterVersion"), s.ClusterVersion, "a Kubernetes version: 1.33, v1.33 or v1.33.4"))
		}
	}
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
	r := c.Spec.Refresh
	errs = append(errs, validateImage(r.KubectlImage, field.NewPath(r.KubectlImageField()))...)
	if r.Image != "" && r.Image != r.KubectlImage {
		errs = append(errs, field.Invalid(p.Child("image"), r.Image,
			"image is the former name of kubectlImage, which is set to another image: keep kubectlImage only"))
	}
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

// validateMaxSurge accepts what the API server accepts for a DaemonSet's maxSurge with
// maxUnavailable 0: a positive integer, or a percentage from 1% to 100%.
func validateMaxSurge(v intstr.IntOrString, p *field.Path) field.ErrorList {
	if v.Type == intstr.Int {
		if v.IntVal < 1 {
			return field.ErrorList{field.Invalid(p, v.IntVal, "at least 1: with maxUnavailable 0, a rollout needs a surge")}
		}
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v.StrVal, "%"))
	if !strings.HasSuffix(v.StrVal, "%") || err != nil || n < 1 || n > 100 {
		return field.ErrorList{field.Invalid(p, v.StrVal, "a number of nodes (at least 1) or a percentage from 1% to 100%")}
	}
	return nil
}

// MinorVersion is the minor version of a Kubernetes version or kubectl image tag (1.33,
// v1.33, v1.33.4, v1.33.4-rc.0), when its major version is 1.
func MinorVersion(version string) (int, bool) {
	parts := strings.SplitN(strings.TrimPrefix(version, "v"), ".", 3)
	if len(parts) < 2 || parts[0] != "1" {
		return 0, false
	}
	minor, err := strconv.Atoi(parts[1])
	if err != nil || minor < 0 {
		return 0, false
	}
	if len(parts) == 3 {
		patch, _, _ := strings.Cut(parts[2], "-")
		if _, err := strconv.Atoi(patch); err != nil {
			return 0, false
		}
	}
	return minor, true
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

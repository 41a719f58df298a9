package prepulldaemonset

import (
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// refresh builds a CronJob that restarts the config's DaemonSets, so that their pods
// start again and pull their tags anew (imagePullPolicy: Always), with a ServiceAccount
// whose Role allows only what `kubectl rollout restart` does to those DaemonSets: get
// them, and patch their pod templates' restartedAt annotation.
func refresh(cfg *fnconfigs.PrepullDaemonSet, daemonSets []string) []any {
	name := cfg.Metadata.Name + fnconfigs.RefreshSuffix
	meta := metav1.ObjectMeta{Name: name, Namespace: cfg.Metadata.Namespace}
	account := &corev1.ServiceAccount{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"},
		ObjectMeta: meta,
	}
	role := &rbacv1.Role{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"},
		ObjectMeta: meta,
		Rules: []rbacv1.PolicyRule{{
			APIGroups:     []string{"apps"},
			Resources:     []string{"daemonsets"},
			ResourceNames: daemonSets,
			Verbs:         []string{"get", "patch"},
		}},
	}
	binding := &rbacv1.RoleBinding{
		TypeMeta:   metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"},
		ObjectMeta: meta,
		Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: cfg.Metadata.Namespace}},
		RoleRef:    rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: name},
	}
	return []any{account, role, binding, cronJob(cfg, name, daemonSets)}
}

// cronJob runs kubectl in the DaemonSet's namespace, which in-cluster kubectl takes from
// its ServiceAccount.
func cronJob(cfg *fnconfigs.PrepullDaemonSet, name string, daemonSets []string) *batchv1.CronJob {
	args := []string{"rollout", "restart"}
	for _, ds := range daemonSets {
		args = append(args, "daemonset/"+ds)
	}
	return &batchv1.CronJob{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: cfg.Metadata.Namespace},
		Spec: batchv1.CronJobSpec{
			Schedule:                   cfg.Spec.Refresh.Schedule,
			ConcurrencyPolicy:          batchv1.ForbidConcurrent,
			SuccessfulJobsHistoryLimit: new(int32(1)),
			FailedJobsHistoryLimit:     new(int32(1)),
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{
				BackoffLimit: new(int32(2)),
				Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					ServiceAccountName: name,
					RestartPolicy:      corev1.RestartPolicyNever,
					// kubectl writes its discovery cache under $HOME; the root
					// filesystem is read-only.
					Volumes: []corev1.Volume{{Name: "home", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
					Containers: []corev1.Container{{
						Name:    "kubectl",
						Image:   cfg.Spec.Refresh.KubectlImage,
						Command: []string{"kubectl"},
						Args:    args,
						Env:     []corev1.EnvVar{{Name: "HOME", Value: "/home/kubectl"}},
						Resources: corev1.ResourceRequirements{
							Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("64Mi")},
							Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("128Mi")},
						},
						VolumeMounts:    []corev1.VolumeMount{{Name: "home", MountPath: "/home/kubectl"}},
						ImagePullPolicy: corev1.PullIfNotPresent,
						SecurityContext: containerSecurity(),
					}},
					NodeSelector:    map[string]string{corev1.LabelOSStable: "linux"},
					SecurityContext: podSecurity(),
				}},
			}},
		},
	}
}

// checkKubectlSkew warns when the kubectl image is outside kubectl's version-skew policy
// for the cluster version the config names: kubectl is supported within one minor
// version (older or newer) of kube-apiserver.
func (c *collection) checkKubectlSkew(config *yaml.RNode) {
	s := c.cfg.Spec
	if s.Refresh == nil || s.ClusterVersion == "" {
		return
	}
	cluster, _ := fnconfigs.MinorVersion(s.ClusterVersion) // validated
	image := s.Refresh.KubectlImage
	fieldPath := s.Refresh.KubectlImageField()
	kubectl, ok := kubectlMinor(image)
	if !ok {
		c.results = append(c.results, krm.WarningResult(config, fieldPath,
			"cannot tell the kubectl version of %s from its tag, so its skew against clusterVersion %s is not checked: use a tag such as v1.%d.0 (a digest may follow it)",
			image, s.ClusterVersion, cluster))
		return
	}
	if kubectl < cluster-1 || kubectl > cluster+1 {
		r := krm.WarningResult(config, fieldPath,
			"kubectl 1.%d is outside kubectl's version-skew policy for a 1.%d cluster (one minor version older or newer: 1.%d to 1.%d): use a kubectl image of one of those versions",
			kubectl, cluster, cluster-1, cluster+1)
		if def, _ := kubectlMinor(fnconfigs.DefaultKubectlImage); def >= cluster-1 && def <= cluster+1 {
			krm.Propose(r, fnconfigs.DefaultKubectlImage)
		}
		c.results = append(c.results, r)
	}
}

// kubectlMinor is the minor version in a kubectl image's tag.
func kubectlMinor(image string) (int, bool) {
	ref, err := name.ParseReference(strings.SplitN(image, "@", 2)[0], name.WithDefaultTag(""))
	if err != nil {
		return 0, false
	}
	tag, ok := ref.(name.Tag)
	if !ok || tag.TagStr() == "" {
		return 0, false
	}
	return fnconfigs.MinorVersion(tag.TagStr())
}

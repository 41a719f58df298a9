package kanikojob

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Volumes of the Job's pod.
const (
	workspaceVolume    = "workspace"
	dockerConfigVolume = "docker-config"
	// dockerConfigDir is the executor's DOCKER_CONFIG: config.json there holds the
	// registry credentials.
	dockerConfigDir = "/kaniko/.docker"
)

// Argo CD hook annotations.
const (
	hookAnnotation             = "argocd.argoproj.io/hook"
	hookDeletePolicyAnnotation = "argocd.argoproj.io/hook-delete-policy"
)

// job is the batch/v1 Job. Its name ends in a hash of its content: a Job's pod template
// is immutable, so a changed build must be a new Job, and an unchanged one the same Job.
func (b *build) job() (*yaml.RNode, error) {
	s := b.cfg.Spec
	job := &batchv1.Job{
		TypeMeta:   metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{Namespace: b.cfg.Metadata.Namespace, Annotations: b.hookAnnotations()},
		Spec: batchv1.JobSpec{
			BackoffLimit:            s.BackoffLimit,
			ActiveDeadlineSeconds:   s.ActiveDeadlineSeconds,
			TTLSecondsAfterFinished: s.TTLSecondsAfterFinished,
			PodFailurePolicy:        podFailurePolicy(),
			Template:                corev1.PodTemplateSpec{Spec: b.podSpec()},
		},
	}
	data, err := json.Marshal(job)
	if err != nil {
		return nil, fmt.Errorf("encoding the Job: %w", err)
	}
	sum := sha256.Sum256(data)
	job.Name = b.cfg.JobName(hex.EncodeToString(sum[:]))
	return krm.FromObject(job)
}

// podFailurePolicy does not count pods that failed because their node was drained or
// preempted (condition DisruptionTarget) against backoffLimit: those are not build failures.
func podFailurePolicy() *batchv1.PodFailurePolicy {
	return &batchv1.PodFailurePolicy{Rules: []batchv1.PodFailurePolicyRule{{
		Action: batchv1.PodFailurePolicyActionIgnore,
		OnPodConditions: []batchv1.PodFailurePolicyOnPodConditionsPattern{{
			Type: corev1.DisruptionTarget, Status: corev1.ConditionTrue,
		}},
	}}}
}

func (b *build) hookAnnotations() map[string]string {
	if b.cfg.Spec.ArgoCDHook == "" {
		return nil
	}
	// Argo CD runs hooks on every sync: BeforeHookCreation deletes the previous run's Job
	// (kept until then for its logs and digest) before creating the next.
	return map[string]string{hookAnnotation: b.cfg.Spec.ArgoCDHook, hookDeletePolicyAnnotation: "BeforeHookCreation"}
}

func (b *build) podSpec() corev1.PodSpec {
	s := b.cfg.Spec
	container := corev1.Container{
		Name:      "kaniko",
		Image:     s.ExecutorImage,
		Args:      b.args(),
		Resources: s.Resources,
	}
	// Git credentials reach kaniko as its environment variables, each read from a Secret
	// by the kubelet: never in the manifest, the arguments or the URL.
	for _, v := range s.GitCredentials.Vars() {
		container.Env = append(container.Env, corev1.EnvVar{Name: v.Name,
			ValueFrom: &corev1.EnvVarSource{SecretKeyRef: v.Value.ValueFrom.SecretKeyRef}})
	}
	var volumes []corev1.Volume
	if b.usesWorkspace() {
		volumes = append(volumes, corev1.Volume{Name: workspaceVolume, VolumeSource: corev1.VolumeSource{
			PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: s.Workspace.ClaimName, ReadOnly: true}}})
		container.VolumeMounts = append(container.VolumeMounts, corev1.VolumeMount{
			Name: workspaceVolume, MountPath: fnconfigs.KanikoWorkspacePath, ReadOnly: true})
	}
	if s.RegistrySecret != "" {
		volumes = append(volumes, corev1.Volume{Name: dockerConfigVolume, VolumeSource: corev1.VolumeSource{
			Secret: &corev1.SecretVolumeSource{SecretName: s.RegistrySecret,
				Items: []corev1.KeyToPath{{Key: corev1.DockerConfigJsonKey, Path: "config.json"}}}}})
		container.VolumeMounts = append(container.VolumeMounts, corev1.VolumeMount{
			Name: dockerConfigVolume, MountPath: dockerConfigDir, ReadOnly: true})
	}
	return corev1.PodSpec{
		Volumes:            volumes,
		Containers:         []corev1.Container{container},
		RestartPolicy:      corev1.RestartPolicyNever,
		ServiceAccountName: s.ServiceAccountName,
		// The executor talks to registries, never to the API server.
		AutomountServiceAccountToken: new(false),
		NodeSelector:                 s.NodeSelector,
		Tolerations:                  s.Tolerations,
		Affinity:                     s.Affinity,
	}
}

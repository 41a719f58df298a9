package prepulldaemonset

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	// imagesAnnotation holds a hash of the image list on the pod template.
	imagesAnnotation = "fn.unbake.dev/prepull-images"
	// syncWaveAnnotation orders the DaemonSets before the app under Argo CD.
	syncWaveAnnotation = "argocd.argoproj.io/sync-wave"

	binVolume     = "prepull-bin"
	binDir        = "/prepull"
	sleepBinary   = binDir + "/sleep"
	copyContainer = "copy-sleep"
	// sleepFor is how long a pre-pull container runs before the kubelet restarts it,
	// pulling a mutable tag again (imagePullPolicy: Always), as kubernetes-image-puller
	// does. Hours are understood by BusyBox's, GNU's and kubernetes-image-puller's sleep.
	sleepFor = "720h"
	// nobody runs every container: the pods only copy and run a static sleep.
	nobody = 65534
)

// daemonSet builds the DaemonSet: an init container copies the sleep binary into an
// emptyDir, and one container per image runs it, so that the kubelet pulls each image
// and keeps it (image garbage collection spares images of running containers).
func daemonSet(cfg *fnconfigs.PrepullDaemonSet, g group, pullSecrets []string) *appsv1.DaemonSet {
	s := &cfg.Spec
	images := g.images
	name := g.name(cfg)
	// The name label keeps the selectors of the config's DaemonSets apart.
	labels := map[string]string{"app.kubernetes.io/name": name, "app.kubernetes.io/component": "image-prepull"}
	nodeSelector, tolerations, affinity := g.podPlacement(s)
	var annotations map[string]string
	if s.ArgoCDSyncWave != "" {
		annotations = map[string]string{syncWaveAnnotation: s.ArgoCDSyncWave}
	}
	names := containerNames(images, copyContainer)
	containers := make([]corev1.Container, len(images))
	for i, img := range images {
		containers[i] = corev1.Container{
			Name:            names[i],
			Image:           img.ref,
			Command:         []string{sleepBinary},
			Args:            []string{sleepFor},
			Resources:       s.Resources,
			VolumeMounts:    []corev1.VolumeMount{{Name: binVolume, MountPath: binDir, ReadOnly: true}},
			ImagePullPolicy: pullPolicy(img),
			SecurityContext: containerSecurity(),
		}
	}
	var secrets []corev1.LocalObjectReference
	for _, name := range pullSecrets {
		secrets = append(secrets, corev1.LocalObjectReference{Name: name})
	}
	return &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: cfg.Metadata.Namespace, Labels: labels, Annotations: annotations},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			// A surge with nothing unavailable: the new pod pulls while the old one still
			// holds the images, so a node never goes without them during a rollout.
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: new(intstr.FromInt32(0)), MaxSurge: s.MaxSurge}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: map[string]string{imagesAnnotation: imagesHash(images)}},
				Spec: corev1.PodSpec{
					Volumes: []corev1.Volume{{Name: binVolume, VolumeSource: corev1.VolumeSource{
						EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: new(resource.MustParse("32Mi"))}}}},
					InitContainers: []corev1.Container{{
						Name:            copyContainer,
						Image:           s.SleepImage,
						Command:         []string{"/bin/cp", "/bin/sleep", sleepBinary},
						Resources:       s.Resources,
						VolumeMounts:    []corev1.VolumeMount{{Name: binVolume, MountPath: binDir}},
						ImagePullPolicy: corev1.PullIfNotPresent,
						SecurityContext: containerSecurity(),
					}},
					Containers: containers,
					// sleep runs as PID 1, which ignores SIGTERM: waiting 30 s for nothing
					// would only slow rollouts down.
					TerminationGracePeriodSeconds: new(int64(1)),
					NodeSelector:                  nodeSelector,
					AutomountServiceAccountToken:  new(false),
					SecurityContext:               podSecurity(),
					ImagePullSecrets:              secrets,
					Affinity:                      affinity,
					Tolerations:                   tolerations,
					PriorityClassName:             s.PriorityClassName,
				},
			},
		},
	}
}

// pullPolicy is IfNotPresent for a digest, whose content never changes, and Always for
// a tag, so that a restart fetches what the tag points to now.
func pullPolicy(img image) corev1.PullPolicy {
	if img.digest {
		return corev1.PullIfNotPresent
	}
	return corev1.PullAlways
}

// imagesHash changes with the image list, so a changed list visibly rolls the DaemonSet.
func imagesHash(images []image) string {
	sum := sha256.Sum256([]byte(strings.Join(refs(images), "\n")))
	return hex.EncodeToString(sum[:])[:16]
}

// podSecurity and containerSecurity meet the restricted Pod Security Standard, with a
// read-only root filesystem on top.
func podSecurity() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot:   new(true),
		RunAsUser:      new(int64(nobody)),
		RunAsGroup:     new(int64(nobody)),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

func containerSecurity() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: new(false),
		ReadOnlyRootFilesystem:   new(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
}

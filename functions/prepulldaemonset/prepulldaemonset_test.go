package prepulldaemonset

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/golden"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

func TestGolden(t *testing.T) { golden.Run(t, Function, "testdata") }

// The generated pods meet the restricted Pod Security Standard, so they run in any
// namespace, kube-system included, whatever its enforced level.
func TestPodsMeetRestrictedPodSecurity(t *testing.T) {
	cfg := &fnconfigs.PrepullDaemonSet{Metadata: fnconfigs.Metadata{Name: "prepull", Namespace: "kube-system"},
		Spec: fnconfigs.PrepullDaemonSetSpec{Images: []string{"nginx:1.27.3"}, Refresh: &fnconfigs.PrepullRefresh{Schedule: "@weekly"}}}
	cfg.Default()
	require.Empty(t, cfg.Validate())
	img, err := parseImage("nginx:1.27.3")
	require.NoError(t, err)
	pods := map[string]corev1.PodTemplateSpec{"DaemonSet": daemonSet(cfg, group{images: []image{img}}, nil).Spec.Template}
	for _, obj := range refresh(cfg, []string{"prepull"}) {
		if cronJob, ok := obj.(*batchv1.CronJob); ok {
			pods["CronJob"] = cronJob.Spec.JobTemplate.Spec.Template
		}
	}
	require.Len(t, pods, 2)

	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	restricted := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	for kind, pod := range pods {
		result := policy.AggregateCheckResults(evaluator.EvaluatePod(restricted, &pod.ObjectMeta, &pod.Spec))
		require.True(t, result.Allowed, "%s pod: %s", kind, result.ForbiddenDetail())
		for _, c := range slices.Concat(pod.Spec.InitContainers, pod.Spec.Containers) {
			require.True(t, *c.SecurityContext.ReadOnlyRootFilesystem, "%s container %s", kind, c.Name)
		}
	}
}

// The runtime pulls these spellings alike: they must be one image.
func TestParseImageIdentifiesTheImage(t *testing.T) {
	for ref, want := range map[string]image{
		"nginx":                                {ref: "nginx", key: "docker.io/library/nginx:latest"},
		"nginx:latest":                         {ref: "nginx:latest", key: "docker.io/library/nginx:latest", tag: "latest"},
		"docker.io/library/nginx:latest":       {ref: "docker.io/library/nginx:latest", key: "docker.io/library/nginx:latest", tag: "latest"},
		"index.docker.io/library/nginx:1.27.3": {ref: "index.docker.io/library/nginx:1.27.3", key: "docker.io/library/nginx:1.27.3", tag: "1.27.3"},
		"localhost:5000/tool":                  {ref: "localhost:5000/tool", key: "localhost:5000/tool:latest"},
		"ghcr.io/a/b:1@sha256:" + strings.Repeat("0", 64): {ref: "ghcr.io/a/b:1@sha256:" + strings.Repeat("0", 64),
			key: "ghcr.io/a/b@sha256:" + strings.Repeat("0", 64), digest: true},
	} {
		got, err := parseImage(ref)
		require.NoError(t, err, ref)
		require.Equal(t, want, got, ref)
	}
}

func FuzzPrepullDaemonSet(f *testing.F) { golden.Fuzz(f, Function, "testdata") }

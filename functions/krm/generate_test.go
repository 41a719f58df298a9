package krm

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec"
	"github.com/unbake/unbake/functions/krm/internal/codec/codectest"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestFromObjectDropsNoiseAndKeepsMeaning(t *testing.T) {
	yes, uid := true, int64(65534)
	ds := &appsv1.DaemonSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: "prepull", Namespace: "kube-system", Labels: map[string]string{"on": "y"}},
		Spec: appsv1.DaemonSetSpec{
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "prepull"}},
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "a", Image: "nginx:1.27.3",
					SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: &yes, RunAsUser: &uid},
					Resources:       corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("10Mi")}}}},
				Volumes: []corev1.Volume{{Name: "bin", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
			}},
		},
	}
	node, err := FromObject(ds)
	require.NoError(t, err)
	require.Equal(t, `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: prepull
  namespace: kube-system
  labels:
    "on": "y"
spec:
  selector:
    matchLabels:
      app: prepull
  template:
    spec:
      volumes:
      - name: bin
        emptyDir: {}
      containers:
      - name: a
        image: nginx:1.27.3
        resources:
          requests:
            memory: 10Mi
        securityContext:
          runAsUser: 65534
          readOnlyRootFilesystem: true
`, node.MustString())
}

// TestFromObjectWritesWhatParsingItsJSONWrote: FromObject's items are written byte for
// byte as when it had yaml.Parse read its JSON.
func TestFromObjectWritesWhatParsingItsJSONWrote(t *testing.T) {
	for i, v := range codectest.JSONValues {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		want, err := yaml.Parse(string(data))
		require.NoError(t, err)
		prune(want.YNode(), reflect.ValueOf(v))
		codec.ToBlockStyle(want.YNode())
		apiVersionFirst(want.YNode())
		got, err := FromObject(v)
		require.NoError(t, err)
		require.Equal(t, want.MustString(), got.MustString(), "%d %T", i, v)
	}
}

func TestReplaceGeneratedKeepsPositionAndReplacesEarlierOutput(t *testing.T) {
	rl, err := Read(strings.NewReader(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Service
  metadata: {name: before}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: old-abc
    annotations:
      fn.unbake.dev/generated-by: ScriptsToConfigMap.scripts
      config.kubernetes.io/path: scripts.yaml
- apiVersion: v1
  kind: Service
  metadata: {name: after}
`))
	require.NoError(t, err)
	fresh := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-def\n")
	require.NoError(t, rl.ReplaceGenerated("ScriptsToConfigMap.scripts", []*yaml.RNode{fresh}))
	items := itemsOf(t, rl)
	require.Len(t, items, 3)
	require.Equal(t, "new-def", items[1].GetName())
	require.Equal(t, "scripts.yaml", items[1].GetAnnotations()["config.kubernetes.io/path"])
	require.Equal(t, "ScriptsToConfigMap.scripts", items[1].GetAnnotations()[GeneratedByAnnotation])

	again := yaml.MustParse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: new-def\n")
	before := items[1]
	require.NoError(t, rl.ReplaceGenerated("ScriptsToConfigMap.scripts", []*yaml.RNode{again}))
	require.Same(t, before, itemsOf(t, rl)[1], "an identical replacement keeps the earlier item")
}

// Several generated items of one kind keep the files of the earlier items of their own
// names; a renamed one takes the file no new item names; a new one takes none.
func TestReplaceGeneratedGivesEachItemItsOwnFile(t *testing.T) {
	rl, err := Read(strings.NewReader(`apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    name: prepull
    annotations: {fn.unbake.dev/generated-by: PrepullDaemonSet.prepull, config.kubernetes.io/path: a.yaml}
- apiVersion: apps/v1
  kind: DaemonSet
  metadata:
    name: prepull-0a1b2c3d
    annotations: {fn.unbake.dev/generated-by: PrepullDaemonSet.prepull, config.kubernetes.io/path: b.yaml}
`))
	require.NoError(t, err)
	var fresh []*yaml.RNode
	for _, name := range []string{"prepull-ffffffff", "prepull", "prepull-new"} {
		fresh = append(fresh, yaml.MustParse("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: "+name+"\n"))
	}
	require.NoError(t, rl.ReplaceGenerated("PrepullDaemonSet.prepull", fresh))
	files := map[string]string{}
	for _, item := range itemsOf(t, rl) {
		files[item.GetName()] = item.GetAnnotations()["config.kubernetes.io/path"]
	}
	require.Equal(t, map[string]string{"prepull": "a.yaml", "prepull-ffffffff": "b.yaml", "prepull-new": ""}, files)
}

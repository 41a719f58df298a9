package krm

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// escapes holds every escape json.Marshal writes, characters YAML treats specially, and
// strings that read as other types.
const escapes = "q\" b\\ n\n r\r t\t \b \f \x00 \x01 \x1f < > & \u2028 \u2029 \xff é 世 😀 \ufeff" +
	" # : - ? ! % @ ` ' , [ ] { } |"

var fromJSONValues = []any{
	podTemplate(),
	&appsv1.DaemonSet{TypeMeta: metav1.TypeMeta{APIVersion: "apps/v1", Kind: "DaemonSet"},
		ObjectMeta: metav1.ObjectMeta{Name: "prepull", Namespace: "kube-system"},
		Spec: appsv1.DaemonSetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "prepull"}},
			Template: podTemplate(),
			UpdateStrategy: appsv1.DaemonSetUpdateStrategy{Type: appsv1.RollingUpdateDaemonSetStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDaemonSet{MaxUnavailable: new(intstr.FromString("10%"))}}}},
	&batchv1.Job{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"}, ObjectMeta: metav1.ObjectMeta{Name: "kaniko"},
		Spec: batchv1.JobSpec{BackoffLimit: new(int32(0)), TTLSecondsAfterFinished: new(int32(600)), Template: podTemplate()}},
	&batchv1.CronJob{TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "CronJob"}, ObjectMeta: metav1.ObjectMeta{Name: "refresh"},
		Spec: batchv1.CronJobSpec{Schedule: "0 3 * * *", ConcurrencyPolicy: batchv1.ForbidConcurrent,
			JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: podTemplate()}}}},
	&corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: metav1.ObjectMeta{Name: "scripts-5f7c"},
		Data:       map[string]string{"run.sh": "#!/bin/sh\nset -eu\necho \"$1\" | tr -d '\\t'\n", "empty": "", "yes": "on", "n": "1e+21", "x": escapes},
		BinaryData: map[string][]byte{"blob": {0, 1, 2, 0xff, 0xfe}, "none": {}}},
	&corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: metav1.ObjectMeta{Name: "pull"},
		Type: corev1.SecretTypeDockerConfigJson, Data: map[string][]byte{".dockerconfigjson": []byte(`{"auths":{}}`)},
		StringData: map[string]string{"token": "a\"b"}},
	&corev1.ServiceAccount{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ServiceAccount"}, ObjectMeta: metav1.ObjectMeta{Name: "sa"}},
	&rbacv1.Role{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "Role"}, ObjectMeta: metav1.ObjectMeta{Name: "r"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"apps", ""}, Resources: []string{"daemonsets"}, Verbs: []string{"get", "patch"}}}},
	&rbacv1.RoleBinding{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "RoleBinding"}, ObjectMeta: metav1.ObjectMeta{Name: "rb"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "sa", Namespace: "ns"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "r"}},
	&rbacv1.ClusterRole{TypeMeta: metav1.TypeMeta{APIVersion: "rbac.authorization.k8s.io/v1", Kind: "ClusterRole"}, ObjectMeta: metav1.ObjectMeta{Name: "cr"},
		Rules: []rbacv1.PolicyRule{{NonResourceURLs: []string{"/healthz", "*"}, Verbs: []string{"*"}}}},
	corev1.Volume{Name: "scripts", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
		LocalObjectReference: corev1.LocalObjectReference{Name: "scripts-5f7c"},
		Items:                []corev1.KeyToPath{{Key: "run.sh", Path: "run.sh", Mode: new(int32(0o755))}}}}},
	corev1.VolumeMount{Name: "scripts", MountPath: "/usr/local/bin/run", SubPath: "run.sh", ReadOnly: true},
	resource.MustParse("1.5Gi"), resource.MustParse("100m"), resource.MustParse("1e3"), resource.MustParse("0"),
	intstr.FromInt32(8080), intstr.FromString("http"),
	metav1.NewTime(time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)), metav1.Time{}, metav1.Duration{Duration: 90 * time.Second},
	json.RawMessage(`{"a":[1,-0,1.5,1e+21,1E-7,100000000000000000000,-9223372036854775808,18446744073709551615,1e400],"b":"\u00e9"}`),
	map[string]any{"": "", "nested": []any{[]any{}, map[string]any{}, []any{nil, true, false, map[string]any{"k": []any{"v"}}}}},
	map[string]any{escapes: escapes, "é": []any{"é", "世界"}, "😀": "\u2028"},
	[]any{0, -0.0, 1.5, -1.5, 1e20, 1e21, 1e-6, 1e-7, 5e-324, math.MaxFloat64, math.MaxInt64, math.MinInt64, uint64(math.MaxUint64)},
	[]any{"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", "1", "-0", "0x1F", "0o17", "1_000", ".inf", ".nan", "<<", "2024-02-29", "12:30"},
	"plain", "", 42, nil, true,
}

func podTemplate() corev1.PodTemplateSpec {
	yes, uid := true, int64(65534)
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x", "on": "y"}, Annotations: map[string]string{"note": escapes}},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "init", Image: "busybox:1.36", Command: []string{"sh", "-c", "echo 'a: b' # c"}}},
			Containers: []corev1.Container{{Name: "a", Image: "nginx:1.27.3@sha256:0123456789abcdef",
				Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: corev1.ProtocolTCP}},
				Env:   []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}}},
				Resources: corev1.ResourceRequirements{
					Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("10Mi"), corev1.ResourceCPU: resource.MustParse("1m")},
					Limits:   corev1.ResourceList{}},
				ReadinessProbe:  &corev1.Probe{ProbeHandler: corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString("http")}}, PeriodSeconds: 5},
				Lifecycle:       &corev1.Lifecycle{PostStart: &corev1.LifecycleHandler{Exec: &corev1.ExecAction{Command: []string{"true"}}}},
				SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: &yes, RunAsUser: &uid, Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}}},
			Volumes:          []corev1.Volume{{Name: "bin", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: new(resource.MustParse("1Gi"))}}}},
			Tolerations:      []corev1.Toleration{{Operator: corev1.TolerationOpExists}},
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "pull"}},
		},
	}
}

func TestFromJSONBuildsTheTreeYAMLParseBuilds(t *testing.T) {
	for i, v := range fromJSONValues {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		t.Run(fmt.Sprintf("%d %T", i, v), func(t *testing.T) { requireLikeParse(t, data) })
	}
}

// FuzzFromJSON: for what json.Marshal writes of strings, numbers and (compacted) JSON
// text, fromJSON builds yaml.Parse's tree in block style; where yaml.Parse fails
// (characters YAML does not allow unescaped, \u escapes of surrogates, \/, keys over
// 1024 characters), it builds a tree that is written and read back unchanged.
func FuzzFromJSON(f *testing.F) {
	f.Add(escapes, int64(-1), 1e21, `{"a":[1.5,-0,1e400,"\u00e9\ud83d\ude00"]}`)
	f.Add("", int64(0), 0.0, `[]`)
	f.Fuzz(func(t *testing.T, s string, i int64, x float64, text string) {
		var r jsonReader
		require.Equal(t, yaml.IsValueNonString(s), r.nonString(s), "%q", s)
		values := []any{s, map[string]any{s: []any{s, i, uint64(i), x, nil, true, map[string]any{}}}}
		if utf8.ValidString(text) && json.Valid([]byte(text)) {
			values = append(values, json.RawMessage(text))
		}
		for _, v := range values {
			data, err := json.Marshal(v)
			if err != nil {
				continue // NaN and infinities have no JSON form
			}
			if _, err := yaml.Parse(string(data)); err != nil {
				requireRoundTrip(t, data)
			} else {
				requireLikeParse(t, data)
			}
		}
	})
}

func requireLikeParse(t *testing.T, data []byte) {
	want, err := yaml.Parse(string(data))
	require.NoError(t, err)
	toBlockStyle(want.Document())
	got, err := fromJSON(data)
	require.NoError(t, err)
	requireSameTree(t, want.Document(), got, "", true)
}

// requireRoundTrip writes the tree and reads it back.
func requireRoundTrip(t *testing.T, data []byte) {
	got, err := fromJSON(data)
	require.NoError(t, err, "%s", data)
	text, err := yaml.String(got)
	require.NoError(t, err, "%s", data)
	back, err := yaml.Parse(text)
	require.NoError(t, err, "%s", text)
	requireSameTree(t, back.Document(), got, "", false)
}

func requireSameTree(t *testing.T, want, got *yaml.Node, path string, exact bool) {
	where := fmt.Sprintf("at %q", path)
	require.Equal(t, want.Kind, got.Kind, where)
	require.Equal(t, want.Tag, got.Tag, where)
	require.Equal(t, want.Value, got.Value, where)
	if exact {
		require.Equal(t, want.Style, got.Style, where)
		require.Equal(t, []int{want.Line, want.Column}, []int{got.Line, got.Column}, where)
	}
	require.Equal(t, len(want.Content), len(got.Content), where)
	for i := range want.Content {
		requireSameTree(t, want.Content[i], got.Content[i], fmt.Sprintf("%s/%d", path, i), exact)
	}
}

// TestFromJSONReadsWhatYAMLRejects: JSON that yaml.Parse refuses still converts, to a
// tree that the encoder writes as YAML that reads back the same.
func TestFromJSONReadsWhatYAMLRejects(t *testing.T) {
	for _, v := range []any{"\x7f", "\u0080", "\u009f", "\ufffe", "\uffff", map[string]int{strings.Repeat("k", 1025): 1},
		json.RawMessage(`["\ud83d\ude00","\udc00","\/"]`)} {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		_, err = yaml.Parse(string(data))
		require.Error(t, err, "%s", data)
		requireRoundTrip(t, data)
	}
}

// TestNonStringSkipsTheParserRightly: what nonString answers without YAML 1.1's parser
// is what the parser says.
func TestNonStringSkipsTheParserRightly(t *testing.T) {
	var r jsonReader
	for _, v := range []string{"nginx:1.27.3-alpine", "registry.example.com/team/app@sha256:0a1b", "/usr/local/bin/run",
		"a:", "a:b", "a::", "/:", "a_b", "a-", "a.", "x/", "yes", "Yes", "yES", "y", "n", "NULL", "Null", "nULL", "on", "ON", "oN",
		"offx", "trueish", "Y2", "y.n", "1.5", "10Mi", "720h", "0x1F", "1_000", "2024-02-29", ".inf", "-a", "a b", "a#b", "a #b", ""} {
		require.Equal(t, yaml.IsValueNonString(v), r.nonString(v), "%q", v)
	}
}

func TestFromJSONTellsWhatIsWrong(t *testing.T) {
	for text, message := range map[string]string{
		``:        "the JSON ends at byte 0, where a value should be",
		`{"a":1`:  `the JSON ends at byte 6, where ',' or '}' should be`,
		`{"a" 1}`: `JSON byte 4 is ' ', where ':' should be`,
		`{1:2}`:   `JSON byte 1 is '1', where a string key should be`,
		`[1,]`:    `JSON byte 3 is ']', where a value should be`,
		`[1] `:    `JSON byte 3 is ' ', where the end of the JSON should be`,
		`["a`:     `the JSON string at byte 1 has no closing quote`,
		`["\x"]`:  `the JSON string at byte 1: invalid character 'x' in string escape code`,
		`tru`:     `JSON byte 0 is 't', where a value should be`,
		`[[[`:     "the JSON ends at byte 3, where a value should be",
	} {
		_, err := fromJSON([]byte(text))
		require.EqualError(t, err, message, text)
	}
}

func BenchmarkFromJSON(b *testing.B) {
	data, err := json.Marshal(fromJSONValues[1])
	require.NoError(b, err)
	b.Run("yaml.Parse+toBlockStyle", func(b *testing.B) {
		for b.Loop() {
			node, _ := yaml.Parse(string(data))
			toBlockStyle(node.Document())
		}
	})
	b.Run("fromJSON", func(b *testing.B) {
		for b.Loop() {
			_, _ = fromJSON(data)
		}
	})
}

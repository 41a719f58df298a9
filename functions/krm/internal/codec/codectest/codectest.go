// Package codectest holds what the tests of krm and its codec share: the fixed corpus
// of YAML files, ResourceLists made of them, and values to encode.
package codectest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

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

// Corpus lists the YAML files of the fixed corpus (testdata/corpus beside this
// package's parent).
func Corpus(t testing.TB) []string {
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "testdata", "corpus")
	var files []string
	require.NoError(t, filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return nil
	}))
	require.NotEmpty(t, files)
	return files
}

// EachWrappedList calls do with every YAML stream of the corpus, wrapped.
func EachWrappedList(t *testing.T, do func(data []byte)) {
	for _, path := range Corpus(t) {
		stream, err := os.ReadFile(path)
		require.NoError(t, err)
		for _, data := range Wrapped(stream) {
			do(data)
		}
	}
}

// Wrapped makes ResourceLists of a YAML stream: entries at column 0 and at column 2,
// with a comment above each entry, and a functionConfig after them.
func Wrapped(stream []byte) [][]byte {
	var lists [][]byte
	for _, dash := range []string{"", "  "} {
		for _, comment := range []string{"", "# about the next item\n"} {
			var b bytes.Buffer
			b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n")
			for _, doc := range bytes.Split(stream, []byte("\n---\n")) {
				doc = bytes.TrimPrefix(doc, []byte("---\n"))
				if len(bytes.TrimSpace(doc)) == 0 {
					continue
				}
				b.WriteString(dash + comment)
				lines := strings.SplitAfter(strings.TrimRight(string(doc), "\n")+"\n", "\n")
				for i, line := range lines {
					switch {
					case line == "":
					case i == 0:
						b.WriteString(dash + "- " + line)
					case line == "\n":
						b.WriteString(line)
					default:
						b.WriteString(dash + "  " + line)
					}
				}
			}
			b.WriteString("functionConfig:\n  kind: Config\n  metadata:\n    name: c\n")
			lists = append(lists, b.Bytes())
		}
	}
	return lists
}

// DescribeTree writes every field of a tree, one node a line.
func DescribeTree(n *yaml.Node) string {
	var b bytes.Buffer
	var walk func(n *yaml.Node, depth int)
	walk = func(n *yaml.Node, depth int) {
		fmt.Fprintf(&b, "%*s%d %d %q %q anchor=%q alias=%v head=%q line=%q foot=%q at %d:%d\n", depth*2, "",
			n.Kind, n.Style, n.Tag, n.Value, n.Anchor, n.Alias != nil, n.HeadComment, n.LineComment, n.FootComment, n.Line, n.Column)
		for _, c := range n.Content {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return b.String()
}

// Escapes holds every escape json.Marshal writes, characters YAML treats specially, and
// strings that read as other types.
const Escapes = "q\" b\\ n\n r\r t\t \b \f \x00 \x01 \x1f < > & \u2028 \u2029 \xff é 世 😀 \ufeff" +
	" # : - ? ! % @ ` ' , [ ] { } |"

// JSONValues are Kubernetes objects and JSON values, Escapes included, whose JSON form
// the fast reader of json.Marshal's output must read as yaml.v3 does.
var JSONValues = []any{
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
		Data:       map[string]string{"run.sh": "#!/bin/sh\nset -eu\necho \"$1\" | tr -d '\\t'\n", "empty": "", "yes": "on", "n": "1e+21", "x": Escapes},
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
	map[string]any{Escapes: Escapes, "é": []any{"é", "世界"}, "😀": "\u2028"},
	[]any{0, -0.0, 1.5, -1.5, 1e20, 1e21, 1e-6, 1e-7, 5e-324, math.MaxFloat64, math.MaxInt64, math.MinInt64, uint64(math.MaxUint64)},
	[]any{"true", "false", "null", "~", "yes", "no", "on", "off", "y", "n", "1", "-0", "0x1F", "0o17", "1_000", ".inf", ".nan", "<<", "2024-02-29", "12:30"},
	"plain", "", 42, nil, true,
}

func podTemplate() corev1.PodTemplateSpec {
	yes, uid := true, int64(65534)
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x", "on": "y"}, Annotations: map[string]string{"note": Escapes}},
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

package krm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const header = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n"

// Inputs a function must refuse, each with the error that says what is wrong.
func TestReadRejectsHostileInput(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"no kind":               {header + "- apiVersion: v1\n  metadata: {name: a}\n", "items[0] (line 4): every resource needs apiVersion and kind"},
		"no apiVersion":         {header + "- kind: Pod\n  metadata: {name: a}\n", "items[0] (line 4): every resource needs apiVersion and kind"},
		"no name":               {header + "- {apiVersion: v1, kind: Pod, metadata: {}}\n", "items[0] (Pod, line 4): every resource needs metadata.name"},
		"no metadata":           {header + "- {apiVersion: v1, kind: Pod}\n", "every resource needs metadata.name"},
		"duplicate keys":        {header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {x: '1'}\n  data: {x: '2'}\n", `items[0] (ConfigMap a), line 8: the key "data" appears twice in one mapping: keep one`},
		"metadata a list":       {header + "- apiVersion: v1\n  kind: Pod\n  metadata:\n  - a\n", "items[0] (line 4): metadata must be a mapping"},
		"labels a list":         {header + "- {apiVersion: v1, kind: Pod, metadata: {name: a, labels: [x]}}\n", "metadata.labels must be a mapping"},
		"annotation nested":     {header + "- {apiVersion: v1, kind: Pod, metadata: {name: a, annotations: {a: {b: c}}}}\n", "metadata.annotations: keys and values must be strings"},
		"a mapping as a key":    {header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {{0}: x}\n", `items[0] (ConfigMap a), line 7: a key is a mapping: keys must be single values, as in JSON`},
		"kind a mapping":        {header + "- {apiVersion: v1, kind: {a: b}, metadata: {name: a}}\n", "kind must be a single value"},
		"functionConfig a list": {header + "functionConfig: [a]\n", "functionConfig: expected a config"},
		"non-UTF-8":             {header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {x: \"\xff\xfe\"}\n", "not valid YAML or JSON"},
		"a List item is fine but a bare string is not": {header + "- just a string\n", "items[0]: expected a resource"},
	} {
		t.Run(name, func(t *testing.T) {
			rl, err := Read(strings.NewReader(tc.in))
			if err == nil {
				_, err = rl.Items()
			}
			require.ErrorContains(t, err, tc.want)
			for process, visit := range map[string]func(*ResourceList) error{
				"looks at no item": func(*ResourceList) error { return nil },
				"visits each item": func(rl *ResourceList) error { return rl.Each(func(*yaml.RNode) error { return nil }) },
			} {
				var out, stderr bytes.Buffer
				require.Equal(t, 1, Run(visit, strings.NewReader(tc.in), &out, &stderr), process)
				require.Contains(t, stderr.String(), tc.want, process)
				require.Contains(t, out.String(), "items: []\n", process)
			}
		})
	}
}

// Inputs a function must take, and what it must make of them.
func TestReadAcceptsOddButValidInput(t *testing.T) {
	t.Run("aliases are expanded, so each item stands alone", func(t *testing.T) {
		out := roundTrip(t, header+"- {apiVersion: v1, kind: Secret, metadata: {name: c}, stringData: &data {y: '2'}}\n"+
			"- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: b}\n  data: *data\n", nil)
		require.NotContains(t, out, "*")
		require.NotContains(t, out, "&")
		require.Contains(t, out, "name: b}\n  data: {y: '2'}")
	})
	t.Run("CRLF and a byte-order mark", func(t *testing.T) {
		in := "\xef\xbb\xbf" + strings.ReplaceAll(header+"- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", "\n", "\r\n")
		require.Equal(t, header+"- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", roundTrip(t, in, nil))
	})
	t.Run("generateName instead of a name", func(t *testing.T) {
		in := header + "- {apiVersion: batch/v1, kind: Job, metadata: {generateName: run-}}\n"
		require.Equal(t, in, roundTrip(t, in, nil))
	})
	t.Run("YAML 1.1 booleans and octals stay strings", func(t *testing.T) {
		in := header + "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n    labels: {a: 'y', b: \"on\", c: '0755', d: 'no'}\n"
		out := roundTrip(t, in, func(rl *ResourceList) {
			require.NoError(t, itemsOf(t, rl)[0].PipeE(yaml.SetLabel("changed", "true")))
		})
		for _, want := range []string{"a: 'y'", `b: "on"`, "c: '0755'", "d: 'no'"} {
			require.Contains(t, out, want)
		}
	})
	t.Run("custom resources and List kinds pass through byte for byte", func(t *testing.T) {
		in := header + "- apiVersion: example.com/v1\n  kind: Widget   # a CRD's kind\n  metadata: {name: w}\n  spec: {size: 3}\n" +
			"- apiVersion: v1\n  kind: List\n  metadata: {name: l}\n  items: []\n"
		require.Equal(t, in, roundTrip(t, in, nil))
	})
	t.Run("1 MiB strings, 50 MiB in all", func(t *testing.T) {
		long := strings.Repeat("x", 1<<20)
		var in bytes.Buffer
		in.WriteString(header)
		for i := 0; i < 50; i++ {
			in.WriteString("- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n  data: {x: " + long + "}\n")
		}
		require.Equal(t, in.String(), roundTrip(t, in.String(), nil))
	})
}

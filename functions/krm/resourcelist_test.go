package krm

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const list = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a   # odd spacing before a comment
    annotations:
      config.kubernetes.io/index: '0'
  data:
    script: |
      #!/bin/sh

      echo "indented  text"
    flag: "y"
    octal: '0755'
- # a comment between the dash and the resource
  apiVersion: apps/v1
  kind: Deployment
  metadata: {name: b, labels: {app: b}}
  spec:
    template:
      spec:
        containers:
          - name: wide
            image: busybox:1.37.0

# a comment before the last item
- apiVersion: v1
  kind: Service
  metadata:
    name: c
functionConfig:
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: config
`

func roundTrip(t *testing.T, in string, change func(*ResourceList)) string {
	t.Helper()
	rl, err := Read(strings.NewReader(in))
	require.NoError(t, err)
	if change != nil {
		change(rl)
	}
	var out bytes.Buffer
	require.NoError(t, Write(&out, rl))
	return out.String()
}

func TestUntouchedListIsByteIdentical(t *testing.T) {
	require.Equal(t, list, roundTrip(t, list, nil))
}

func TestChangedItemIsReencodedAndOthersKeepTheirBytes(t *testing.T) {
	out := roundTrip(t, list, func(rl *ResourceList) {
		require.NoError(t, itemsOf(t, rl)[1].PipeE(yaml.SetLabel("changed", "yes")))
	})
	require.Contains(t, out, "    name: a   # odd spacing before a comment\n", "untouched item lost its bytes")
	require.Contains(t, out, "metadata: {name: b, labels: {app: b, changed: 'yes'}}")
	require.Contains(t, out, "# a comment before the last item\n- apiVersion: v1\n  kind: Service")
	again, err := Read(strings.NewReader(out))
	require.NoError(t, err)
	require.Equal(t, 3, again.Len())
}

// An item written by the encoder is what kyaml's own writer produces for it.
func TestEncodedItemsMatchKyamlWriter(t *testing.T) {
	// A comment above a dash is the one thing placed differently: after the dash.
	withoutComment := strings.Replace(list, "# a comment before the last item\n", "", 1)
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(withoutComment), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	var want bytes.Buffer
	require.NoError(t, kio.ByteWriter{Writer: &want, KeepReaderAnnotations: true,
		WrappingAPIVersion: APIVersion, WrappingKind: resourceListKind}.Write(nodes))

	var got bytes.Buffer
	require.NoError(t, Write(&got, NewResourceList(nodes, nil)))
	require.Equal(t, want.String(), got.String())
}

func TestJSONInputIsWrittenAsYAML(t *testing.T) {
	in := `{"apiVersion":"config.kubernetes.io/v1","kind":"ResourceList","items":[` +
		`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"on":"y","n":"1"},"x":{"b":true,"i":3}}]}`
	require.Equal(t, `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: a
  data:
    "on": "y"
    "n": "1"
  x:
    b: true
    i: 3
`, roundTrip(t, in, nil))
}

func TestReadRejectsWhatIsNotAResourceList(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"empty":           {"", "the input is empty"},
		"not yaml":        {"a: [", "not valid YAML or JSON"},
		"a bare resource": {"apiVersion: v1\nkind: ConfigMap\n", `kind "ConfigMap": expected kind: ResourceList`},
		"wrong version":   {"apiVersion: v9\nkind: ResourceList\n", `apiVersion "v9"`},
		"a scalar item":   {"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [x]\n", "items[0]: expected a resource"},
		"items not list":  {"apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: {}\n", "items: expected a list"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestRunWritesOnlyResultsOnError(t *testing.T) {
	var out, stderr bytes.Buffer
	code := Run(func(rl *ResourceList) error {
		items := itemsOf(t, rl)
		rl.Results = append(rl.Results, ErrorResult(items[0], "spec.x", "bad value: change spec.x"))
		return items[0].PipeE(yaml.SetLabel("half", "written"))
	}, strings.NewReader(list), &out, &stderr)
	require.Equal(t, 1, code)
	require.NotContains(t, out.String(), "half")
	require.Contains(t, out.String(), "items: []\n")
	require.Contains(t, out.String(), "path: spec.x")
	require.Equal(t, "error: ConfigMap a: spec.x: bad value: change spec.x\n", stderr.String())
}

func TestRunFailsOnUnreadableInput(t *testing.T) {
	var out, stderr bytes.Buffer
	code := Run(func(*ResourceList) error { t.Fatal("must not run"); return nil },
		strings.NewReader("kind: Pod\n"), &out, &stderr)
	require.Equal(t, 1, code)
	require.Contains(t, out.String(), "severity: error")
	require.Contains(t, stderr.String(), "expected kind: ResourceList")
}

// itemsOf is rl's items as trees.
func itemsOf(t testing.TB, rl *ResourceList) []*yaml.RNode {
	items, err := rl.Items()
	require.NoError(t, err)
	return items
}

// A change to any field the encoder writes changes the fingerprint, so the item is
// written again rather than as its original text.
func TestFingerprintSeesEveryChange(t *testing.T) {
	base := func() *yaml.Node {
		return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: "a"}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: "bc"}}}
	}
	changes := map[string]func(n *yaml.Node){
		"value":         func(n *yaml.Node) { n.Content[1].Value = "bd" },
		"split value":   func(n *yaml.Node) { n.Content[0].Value, n.Content[1].Value = "ab", "c" },
		"empty value":   func(n *yaml.Node) { n.Content[1].Value = "" },
		"style":         func(n *yaml.Node) { n.Content[1].Style = yaml.DoubleQuotedStyle },
		"kind":          func(n *yaml.Node) { n.Content[1].Kind = yaml.SequenceNode },
		"tag":           func(n *yaml.Node) { n.Content[1].Tag = "!!int" },
		"line comment":  func(n *yaml.Node) { n.Content[1].LineComment = "# x" },
		"head comment":  func(n *yaml.Node) { n.HeadComment = "# x" },
		"foot comment":  func(n *yaml.Node) { n.Content[0].FootComment = "# x" },
		"anchor":        func(n *yaml.Node) { n.Content[1].Anchor = "x" },
		"entry added":   func(n *yaml.Node) { n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode}) },
		"entry removed": func(n *yaml.Node) { n.Content = n.Content[:1] },
		"moved into a collection": func(n *yaml.Node) {
			n.Content[1] = &yaml.Node{Kind: yaml.SequenceNode, Content: []*yaml.Node{n.Content[1]}}
		},
	}
	want := codec.Fingerprint(base())
	require.Equal(t, want, codec.Fingerprint(base()))
	for name, change := range changes {
		n := base()
		change(n)
		require.NotEqual(t, want, codec.Fingerprint(n), name)
	}
}

package setrunas

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The writer's JSON must be MarshalJSON's byte for byte, so json.Unmarshal reads the same
// typed pod (or fails the same way) whichever path made it.

// TestJSONWriterMatchesMarshalJSON checks the pod templates of every golden input and
// output, as parsed and as set-runas leaves them in memory, where kyaml built new nodes.
func TestJSONWriterMatchesMarshalJSON(t *testing.T) {
	inputs, err := filepath.Glob("testdata/*/input.yaml")
	require.NoError(t, err)
	written := 0
	for _, input := range inputs {
		dir := filepath.Dir(input)
		items := readItems(t, input)
		if expected := filepath.Join(dir, "expected.yaml"); fileExists(expected) {
			items = append(items, readItems(t, expected)...)
		}
		processed := readItems(t, input)
		config, err := yaml.ReadFile(filepath.Join(dir, "config.yaml"))
		require.NoError(t, err)
		require.NoError(t, Function.Process(krm.NewResourceList(processed, config)))
		for _, item := range append(items, processed...) {
			if w, ok := workload.Of(item); ok && requireAgreement(t, w.Template) {
				written++
			}
		}
	}
	require.NotZero(t, written, "the writer wrote no golden pod template")
}

// TestJSONWriterOnOddValues covers what manifests rarely hold: the writer either writes
// MarshalJSON's bytes or leaves the value to it.
func TestJSONWriterOnOddValues(t *testing.T) {
	for _, tc := range []struct {
		spec    string
		handled bool
	}{
		{`{containers: [{name: a, resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 100m, memory: "128974848"}}}]}`, true},
		{`{containers: [{name: a, resources: {limits: {cpu: 0.5}}}]}`, false},
		{`{containers: [{name: a, resources: {limits: {memory: 1e3}}}]}`, false},
		{`{containers: [{name: a, ports: [{containerPort: 8080}], livenessProbe: {httpGet: {port: http}}, readinessProbe: {tcpSocket: {port: 8080}}}]}`, true},
		{`{containers: [{name: a, ports: [{containerPort: "8080"}]}]}`, true},
		{`{securityContext: {runAsUser: "1000", runAsNonRoot: "true"}}`, true},
		{`{securityContext: {runAsUser: }}`, false},
		{"\n  securityContext:\n  nodeSelector: ~\n  affinity: null\n  tolerations: [null, Null, NULL, '']", true},
		{`{securityContext: {runAsUser: -5, runAsGroup: 0, fsGroup: 999999999999999999}}`, true},
		{`{securityContext: {runAsUser: 9999999999999999999}}`, false},
		{`{securityContext: {runAsUser: 0x10}}`, false},
		{`{securityContext: {runAsUser: 010}}`, false},
		{`{securityContext: {runAsUser: 1_000}}`, false},
		{`{securityContext: {runAsUser: +5}}`, false},
		{`{securityContext: {runAsUser: -0}}`, false},
		{`{securityContext: {runAsNonRoot: True, privileged: FALSE}}`, true},
		{`{securityContext: {runAsNonRoot: yes}}`, true},
		{`{securityContext: {runAsUser: .inf}}`, false},
		{`{activeDeadlineSeconds: 2001-12-14}`, false},
		{`{hostname: !!str 5, subdomain: !!int "5"}`, false},
		{`{hostname: !!str 5}`, true},
		{`{hostname: "<b>&\u2028", "Subdomain": "ünïcode", schedulerName: "a\nb"}`, true},
		{`{schedulerName: "tab\there"}`, true},
		{`{hostname: x, Hostname: y, HOSTNAME: z}`, true},
		{`{hostname: x, "hostname": y}`, false},
		{`{"<<": {hostname: x}}`, false},
		{`{<<: {hostname: x}}`, false},
		{`{hostname: &h x, subdomain: *h}`, false},
		{`{containers: [], volumes: {}, "": x, 1: y}`, false},
		{`{containers: [], volumes: {}, "": x, "1": y}`, true},
		{`{overhead: {cpu: !!float 1}}`, false},
		{`{nodeSelector: !custom {a: b}}`, false},
	} {
		template := yaml.MustParse("metadata: {name: p, labels: {app: a}}\nspec: " + tc.spec + "\n")
		require.Equal(t, tc.handled, requireAgreement(t, template), tc.spec)
	}
}

// TestJSONWriterOnBuiltNodes covers nodes kyaml and this package build without a tag, which
// the decoder resolves by their value.
func TestJSONWriterOnBuiltNodes(t *testing.T) {
	for _, tc := range []struct {
		value   *yaml.Node
		handled bool
	}{
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "RuntimeDefault"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "true"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "Null"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "yes"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "~"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "123"}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "-c"}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: ".5"}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: ""}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Value: "123", Style: yaml.DoubleQuotedStyle}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "123"}, true},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "<<"}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "\xff"}, false},
		{&yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: "12", Style: yaml.DoubleQuotedStyle}, false},
		{integer(1000).YNode(), true},
		{boolean(false).YNode(), true},
		{yaml.NewStringRNode("line\nbreak").YNode(), true},
		{yaml.NewMapRNode(&map[string]string{"type": runtimeDefault}).YNode(), true},
		{yaml.NewListRNode("ALL", "NET_RAW").YNode(), true},
		// scripts-to-configmap's command; the emitter quotes what cannot be plain.
		{yaml.NewListRNode("/usr/local/bin/start.sh", "~/x", "ünï", "#x", "*x", "&x", "!x", "%x", "@x", "`x", "|x", ">x", "'x", `"x`, "[x]", "{x}", ",x", "?", "? x", ":x", ": x", "/a: b", "/a #b", "/x ", "\tx", "/a\nb", "<x", "=").YNode(), true},
	} {
		template := mapping("spec", mapping("hostname", tc.value))
		require.Equal(t, tc.handled, requireAgreement(t, yaml.NewRNode(template)), "%#v", tc.value)
	}
}

// TestJSONWriterOnSetField covers a command set as scripts-to-configmap sets it, before
// set-runas runs in a Pipeline, in block and in flow style.
func TestJSONWriterOnSetField(t *testing.T) {
	for _, spec := range []string{"\n  containers:\n  - name: app\n", "{containers: [{name: app}]}"} {
		template := yaml.MustParse("metadata: {name: p}\nspec: " + spec)
		container, err := template.Pipe(yaml.Lookup("spec", "containers", "[name=app]"))
		require.NoError(t, err)
		require.NoError(t, container.PipeE(yaml.SetField("command", yaml.NewListRNode("/usr/local/bin/start.sh", "{x}", ": x"))))
		require.True(t, requireAgreement(t, template), spec)
	}
}

// mapping is {key: value}, built as is: kyaml's setters would quote value.
func mapping(key string, value *yaml.Node) *yaml.Node {
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Value: key}, value}}
}

// FuzzJSONWriter checks the writer on arbitrary YAML mappings, as pod templates are.
func FuzzJSONWriter(f *testing.F) {
	inputs, err := filepath.Glob("testdata/*/input.yaml")
	require.NoError(f, err)
	for _, input := range inputs {
		data, err := os.ReadFile(input)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if n, err := yaml.Parse(string(data)); err == nil && n.YNode().Kind == yaml.MappingNode {
			requireAgreement(t, n)
			untag(n.YNode())
			requireAgreement(t, n)
		}
	})
}

// untag drops the tags the parser resolved, as kyaml's helpers build scalars without them.
func untag(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Style&yaml.TaggedStyle == 0 {
		n.Tag = ""
	}
	for _, c := range n.Content {
		untag(c)
	}
}

// requireAgreement checks the writer against MarshalJSON on n, and tells whether the
// writer wrote it rather than leave it to MarshalJSON.
func requireAgreement(t *testing.T, n *yaml.RNode) bool {
	t.Helper()
	want, err := n.MarshalJSON()
	var w jsonWriter
	if !w.value(n.YNode(), false) {
		return false
	}
	require.NoError(t, err, "the writer wrote what MarshalJSON fails on")
	require.Equal(t, string(want), string(w.buf))
	return true
}

func readItems(t *testing.T, path string) []*yaml.RNode {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	items, err := kio.FromBytes(data)
	require.NoError(t, err)
	return items
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

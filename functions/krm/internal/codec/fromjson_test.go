package codec

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
	"github.com/unbake/unbake/functions/krm/internal/codec/codectest"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestFromJSONBuildsTheTreeYAMLParseBuilds(t *testing.T) {
	for i, v := range codectest.JSONValues {
		data, err := json.Marshal(v)
		require.NoError(t, err)
		t.Run(fmt.Sprintf("%d %T", i, v), func(t *testing.T) { requireLikeParse(t, data) })
	}
}

// FuzzFromJSON: for what json.Marshal writes of strings, numbers and (compacted) JSON
// text, fromJSON builds yaml.Parse's tree in block style; where yaml.Parse fails
// (characters YAML does not allow unescaped, \u codectest.Escapes of surrogates, \/, keys over
// 1024 characters), it builds a tree that is written and read back unchanged.
func FuzzFromJSON(f *testing.F) {
	f.Add(codectest.Escapes, int64(-1), 1e21, `{"a":[1.5,-0,1e400,"\u00e9\ud83d\ude00"]}`)
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
	ToBlockStyle(want.Document())
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
	data, err := json.Marshal(codectest.JSONValues[1])
	require.NoError(b, err)
	b.Run("yaml.Parse+toBlockStyle", func(b *testing.B) {
		for b.Loop() {
			node, _ := yaml.Parse(string(data))
			ToBlockStyle(node.Document())
		}
	})
	b.Run("fromJSON", func(b *testing.B) {
		for b.Loop() {
			_, _ = fromJSON(data)
		}
	})
}

package codec

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestResultsAreTheEncoders: the results written without reflection are the bytes
// encoding framework.Results writes, for the strings whose style the encoder picks.
func TestResultsAreTheEncoders(t *testing.T) {
	var results framework.Results
	for _, s := range []string{"plain", "yes", "off", "1:20", "12", "true", "a: b", "x #y", "two\nlines",
		"trailing ", "'quoted'", "\xff\xfe", "", "- dash", "null"} {
		results = append(results, &framework.Result{Message: s, Severity: framework.Warning,
			ResourceRef: &yaml.ResourceIdentifier{TypeMeta: yaml.TypeMeta{APIVersion: "v1", Kind: s},
				NameMeta: yaml.NameMeta{Name: s, Namespace: s}},
			Field: &framework.Field{Path: s, CurrentValue: s, ProposedValue: map[string]any{"k": s, "n": 1}},
			File:  &framework.File{Path: s, Index: len(s)},
			Tags:  map[string]string{"b": s, "a10": s, "a9": s}})
	}
	results = append(results, &framework.Result{Message: "only a message"})
	for _, v := range []any{true, false, 0, -7, int64(1 << 40), "/home/app", "yes", "1:20", "two\nlines", 1.5, []string{"a"}} {
		results = append(results, &framework.Result{Message: "proposes", Field: &framework.Field{ProposedValue: v, CurrentValue: v}})
	}
	var want yaml.Node
	require.NoError(t, want.Encode(results))
	var wantText, gotText bytes.Buffer
	require.NoError(t, WriteField(&wantText, "results", &want))
	require.NoError(t, writeResults(&gotText, results))
	require.Equal(t, wantText.String(), gotText.String())
}

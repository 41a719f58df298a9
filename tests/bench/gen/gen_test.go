package gen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestListMix(t *testing.T) {
	config := []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n")
	rl, err := yaml.Parse(string(List(8, config)))
	require.NoError(t, err)
	var kinds []string
	for _, item := range rl.Field("items").Value.Content() {
		kinds = append(kinds, yaml.NewRNode(item).GetKind())
	}
	require.Equal(t, []string{"Deployment", "Deployment", "Service", "ConfigMap",
		"Deployment", "Deployment", "Service", "ConfigMap"}, kinds)
	require.Equal(t, "config", rl.Field("functionConfig").Value.GetName())

	empty, err := yaml.Parse(string(List(0, nil)))
	require.NoError(t, err)
	require.Equal(t, yaml.SequenceNode, empty.Field("items").Value.YNode().Kind, "items: [], not null")
}

// The kpt package holds the same items as the ResourceList, so kpt and unbake get one input.
func TestPackageHoldsTheListItems(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, Package(dir, 12, []Step{{Exec: "/bin/set-runas", Config: []byte("kind: SetRunAs\n")}}))
	stream, err := os.ReadFile(filepath.Join(dir, "resources.yaml"))
	require.NoError(t, err)
	fromPackage, err := kio.FromBytes(stream)
	require.NoError(t, err)
	fromList, err := (&kio.ByteReader{Reader: bytes.NewReader(List(12, nil)), OmitReaderAnnotations: true}).Read()
	require.NoError(t, err)
	require.Len(t, fromPackage, 12)
	require.Len(t, fromList, 12)
	for i := range fromList {
		require.Equal(t, fromList[i].MustString(), fromPackage[i].MustString())
	}

	kptfile, err := os.ReadFile(filepath.Join(dir, "Kptfile"))
	require.NoError(t, err)
	require.Contains(t, string(kptfile), "    - exec: /bin/set-runas\n      configPath: set-runas.yaml\n")
	config, err := os.ReadFile(filepath.Join(dir, "set-runas.yaml"))
	require.NoError(t, err)
	require.Equal(t, "kind: SetRunAs\n", string(config))
}

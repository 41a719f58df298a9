package scriptstoconfigmap

import (
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/api/hasher"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// newConfigMap builds the ConfigMap holding files, named as configMapGenerator would
// name it. Its data and binaryData are loaded by kyaml's LoadMapIntoConfigMapData, the
// loader configMapGenerator itself uses: the same split of UTF-8 text and binary, the
// same base64 lines, so kustomize's hasher gives the same hash for the same files.
func newConfigMap(cfg *fnconfigs.ScriptsToConfigMap, files []file) (*yaml.RNode, error) {
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: cfg.Spec.ConfigMapName},
	}
	if cfg.Spec.Immutable {
		cm.Immutable = &cfg.Spec.Immutable
	}
	node, err := krm.FromObject(cm)
	if err != nil {
		return nil, err
	}
	data := make(map[string]string, len(files))
	for _, f := range files {
		data[f.key] = string(f.content)
	}
	if err := node.LoadMapIntoConfigMapData(data); err != nil {
		return nil, err
	}
	if !*cfg.Spec.HashSuffix {
		return node, nil
	}
	hash, err := (&hasher.Hasher{}).Hash(node)
	if err != nil {
		return nil, err
	}
	return node, node.SetName(cfg.Spec.ConfigMapName + "-" + hash)
}

// configMapsFor places a copy of cm in each namespace, in order.
func configMapsFor(cm *yaml.RNode, namespaces []string) ([]*yaml.RNode, error) {
	items := make([]*yaml.RNode, 0, len(namespaces))
	for _, ns := range namespaces {
		item := cm.Copy()
		if ns != "" {
			if err := item.SetNamespace(ns); err != nil {
				return nil, err
			}
		}
		items = append(items, item)
	}
	return items, nil
}

package scriptstoconfigmap

import (
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/api/hasher"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// newObject builds the ConfigMap, or with secret: true the Secret, holding files, named
// as configMapGenerator or secretGenerator would name it. Data is loaded by kyaml's
// LoadMapIntoConfigMapData or LoadMapIntoSecretData, the loaders the generators
// themselves use (for a ConfigMap, UTF-8 text to data and the rest base64-encoded to
// binaryData; for a Secret, everything base64-encoded to data, with type Opaque), in the
// same lines, so kustomize's hasher gives the same hash for the same files. Labels and
// annotations, as generatorOptions', are not hashed.
func newObject(cfg *fnconfigs.ScriptsToConfigMap, files []file) (*yaml.RNode, error) {
	meta := metav1.ObjectMeta{Name: cfg.Spec.ConfigMapName, Labels: cfg.Spec.Labels, Annotations: cfg.Spec.Annotations}
	var immutable *bool
	if cfg.Spec.Immutable {
		immutable = &cfg.Spec.Immutable
	}
	var obj any = &corev1.ConfigMap{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"}, ObjectMeta: meta, Immutable: immutable}
	if cfg.Spec.Secret {
		obj = &corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: meta, Immutable: immutable,
			Type: corev1.SecretTypeOpaque}
	}
	node, err := krm.FromObject(obj)
	if err != nil {
		return nil, err
	}
	data := make(map[string]string, len(files))
	for _, f := range files {
		data[f.key] = string(f.content)
	}
	load := node.LoadMapIntoConfigMapData
	if cfg.Spec.Secret {
		load = node.LoadMapIntoSecretData
	}
	if err := load(data); err != nil {
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

// objectsFor places a copy of obj in each namespace, in order.
func objectsFor(obj *yaml.RNode, namespaces []string) ([]*yaml.RNode, error) {
	items := make([]*yaml.RNode, 0, len(namespaces))
	for _, ns := range namespaces {
		item := obj.Copy()
		if ns != "" {
			if err := item.SetNamespace(ns); err != nil {
				return nil, err
			}
		}
		items = append(items, item)
	}
	return items, nil
}

package kanikojob

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// dockerConfigField is the Secret's config.json, for results.
var dockerConfigField = field.NewPath("data").Key(corev1.DockerConfigJsonKey).String()

// dockerConfig is the part of a config.json that says which registries have credentials.
type dockerConfig struct {
	Auths       map[string]json.RawMessage `json:"auths"`
	CredHelpers map[string]string          `json:"credHelpers"`
	CredsStore  string                     `json:"credsStore"`
}

// checkRegistrySecret checks the registry Secret when the ResourceList holds it (secrets
// are the list's Secrets of its name): the pod cannot start without its .dockerconfigjson
// key, and a push to a registry it has no credentials for fails only at the end of the
// build.
func (b *build) checkRegistrySecret(config *yaml.RNode, secrets []*yaml.RNode) framework.Results {
	secret, elsewhere := findSecret(secrets, b.cfg.Metadata.Namespace)
	if secret == nil {
		if elsewhere != nil {
			return framework.Results{krm.WarningResult(config, "spec.registrySecret",
				"%s is not in the Job's namespace %q: a pod can only mount Secrets of its own namespace",
				krm.Describe(elsewhere), b.cfg.Metadata.Namespace)}
		}
		return nil
	}
	text, found := secretValue(secret, corev1.DockerConfigJsonKey)
	if !found {
		return framework.Results{krm.ErrorResult(secret, "data", "has no key %s, so the build pod cannot mount it: make it a %s Secret (kubectl create secret docker-registry)",
			corev1.DockerConfigJsonKey, corev1.SecretTypeDockerConfigJson)}
	}
	var cfg dockerConfig
	if err := json.Unmarshal([]byte(text), &cfg); err != nil {
		return framework.Results{krm.ErrorResult(secret, dockerConfigField, "is not a docker config.json: %v", err)}
	}
	if cfg.CredsStore != "" {
		return nil // a credential store answers for every registry
	}
	covered := map[string]bool{}
	for key := range cfg.Auths {
		covered[registryOf(key)] = true
	}
	for key := range cfg.CredHelpers {
		covered[registryOf(key)] = true
	}
	var results framework.Results
	for _, d := range b.destinations {
		if registry := d.tag.Context().RegistryStr(); !covered[registry] {
			covered[registry] = true // one warning per registry
			results = append(results, krm.WarningResult(secret, dockerConfigField,
				"has no auths entry for %s, where %s is pushed: the push would fail at the end of the build; add one, or fix the destination",
				registry, d.tag))
		}
	}
	return results
}

// findSecret returns the one of secrets in namespace, or else one in another namespace.
func findSecret(secrets []*yaml.RNode, namespace string) (secret, elsewhere *yaml.RNode) {
	for _, item := range secrets {
		if item.GetNamespace() == namespace {
			return item, nil
		}
		elsewhere = item
	}
	return nil, elsewhere
}

func isSecretNamed(item *yaml.RNode, name string) bool {
	return item.GetKind() == "Secret" && item.GetApiVersion() == "v1" && item.GetName() == name && !krm.Reserved(item)
}

// secretValue reads key from stringData, or base64-decoded from data.
func secretValue(secret *yaml.RNode, key string) (string, bool) {
	if v := krm.Get(secret, "stringData", key); v != nil {
		return yaml.GetValue(v), true
	}
	v := krm.Get(secret, "data", key)
	if v == nil {
		return "", false
	}
	decoded, err := base64.StdEncoding.DecodeString(yaml.GetValue(v))
	if err != nil {
		return "", true // present but unreadable: the JSON check reports it
	}
	return string(decoded), true
}

// registryOf normalizes a config.json key (registry.example.com, https://index.docker.io/v1/)
// to the registry name go-containerregistry gives a reference's registry.
func registryOf(key string) string {
	host := key
	if _, rest, found := strings.Cut(key, "://"); found {
		host = rest
	}
	host, _, _ = strings.Cut(host, "/")
	if r, err := name.NewRegistry(host); err == nil {
		return r.RegistryStr()
	}
	return host
}

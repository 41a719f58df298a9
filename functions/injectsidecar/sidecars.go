package injectsidecar

import (
	"encoding/json"
	"fmt"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// part is one container or volume the config injects: its typed form for checks and
// hashing, and the config's own YAML for output, so the pod shows it as the user wrote it.
type part struct {
	key        string // container/NAME or volume/NAME
	name       string
	node       *yaml.RNode
	hash       string
	configPath string
	container  *corev1.Container
	volume     *corev1.Volume
}

// parts reads the config's containers and volumes from its YAML node.
func parts(cfg *fnconfigs.InjectSidecar, config *yaml.RNode) ([]part, []part, error) {
	var containers, volumes []part
	for i := range cfg.Spec.Containers {
		c := &cfg.Spec.Containers[i]
		node := entry(config, "containers", i)
		if node == nil {
			return nil, nil, fmt.Errorf("spec.containers[%d]: cannot read the container back from the config", i)
		}
		node = node.Copy()
		if cfg.Spec.Native && c.RestartPolicy == nil {
			always := corev1.ContainerRestartPolicyAlways
			c.RestartPolicy = &always
			if err := node.PipeE(yaml.SetField("restartPolicy", yaml.NewStringRNode(string(always)))); err != nil {
				return nil, nil, err
			}
		}
		containers = append(containers, part{key: "container/" + c.Name, name: c.Name, node: node,
			hash: krm.Hash(c, cfg.Spec.Native, cfg.Spec.Position), configPath: fmt.Sprintf("spec.containers[%d]", i), container: c})
	}
	for i := range cfg.Spec.Volumes {
		v := &cfg.Spec.Volumes[i]
		node := entry(config, "volumes", i)
		if node == nil {
			return nil, nil, fmt.Errorf("spec.volumes[%d]: cannot read the volume back from the config", i)
		}
		volumes = append(volumes, part{key: "volume/" + v.Name, name: v.Name, node: node.Copy(),
			hash: krm.Hash(v), configPath: fmt.Sprintf("spec.volumes[%d]", i), volume: v})
	}
	return containers, volumes, nil
}

// canonical is a volume's typed JSON, to tell whether two volumes are the same.
func canonical(n *yaml.RNode) (string, error) {
	data, err := n.MarshalJSON()
	if err != nil {
		return "", err
	}
	var v corev1.Volume
	if err := json.Unmarshal(data, &v); err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	return string(out), err
}

// entry is the i-th entry of the config's spec list, as written.
func entry(config *yaml.RNode, list string, i int) *yaml.RNode {
	if entries := workload.Entries(config, "spec", list); i < len(entries) {
		return entries[i]
	}
	return nil
}

// unrequested warns, once per config, about each sidecar without resource requests:
// the scheduler then counts it as nothing, and the pod drops to the BestEffort or
// Burstable class. The proposed values are a start for a small proxy, to be measured.
func unrequested(containers []part, config *yaml.RNode) []*framework.Result {
	var results []*framework.Result
	for _, p := range containers {
		if len(p.container.Resources.Requests) > 0 {
			continue
		}
		results = append(results, krm.Propose(krm.WarningResult(config, p.configPath+".resources.requests",
			"sidecar %q has no resource requests, so the scheduler counts it as nothing and the pod loses the Guaranteed QoS class: set requests (and limits) from what it uses; the proposal suits a small proxy",
			p.name), map[string]string{"cpu": "10m", "memory": "32Mi"}))
	}
	return results
}

package convert

import (
	"bytes"
	"fmt"
	"github.com/unbake/unbake/functions/krm"
	pods "github.com/unbake/unbake/functions/workload"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// container is what the instructions say about the app container.
type container struct {
	command, args []string
	env           []envVar
	workingDir    string
	ports         []port
	probe         *probe
}

type envVar struct{ name, value string }

// setEnv sets a variable; a later ENV of the same name replaces the earlier value.
func (c *container) setEnv(name, value string) {
	for i := range c.env {
		if c.env[i].name == name {
			c.env[i].value = value
			return
		}
	}
	c.env = append(c.env, envVar{name, value})
}

// workload is the pod-bearing object the conversion edits: the one of --workload, or a
// Deployment it writes.
type workload struct {
	kind, name, namespace string
	container             string // the app container's name
	skeleton              bool
	node                  *yaml.RNode
	files                 []workloadFile
}

type workloadFile struct {
	name  string
	nodes []*yaml.RNode
}

func (c *converter) loadWorkload() error {
	if len(c.opts.Workloads) == 0 {
		name := c.opts.Name
		if name == "" {
			name = nameFromImage(c.base)
		}
		if msgs := dnsLabel(name); msgs != "" {
			return fmt.Errorf("--name %q: %s", name, msgs)
		}
		c.wl = &workload{kind: "Deployment", name: name, container: name, skeleton: true}
		return nil
	}
	var found []*yaml.RNode
	wl := &workload{}
	seen := map[string]bool{}
	for _, file := range c.opts.Workloads {
		data, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("--workload: %v", err)
		}
		nodes, err := (&kio.ByteReader{Reader: bytes.NewReader(data), PreserveSeqIndent: true}).Read()
		if err != nil {
			return fmt.Errorf("--workload %s: not Kubernetes YAML: %v", file, err)
		}
		name := filepath.Base(file)
		if seen[name] || reservedFile(name) {
			return fmt.Errorf("--workload %s: the package already has a file named %s: rename it", file, name)
		}
		seen[name] = true
		wl.files = append(wl.files, workloadFile{name: name, nodes: nodes})
		for _, n := range nodes {
			if _, ok := pods.Of(n); ok {
				found = append(found, n)
			}
		}
	}
	if len(found) != 1 {
		return fmt.Errorf("--workload: the files hold %d pod-bearing objects (%s); give exactly one, the workload that ran the derived image", len(found), strings.Join(fnconfigs.WorkloadKinds, ", "))
	}
	wl.node = found[0]
	wl.kind, wl.name, wl.namespace = wl.node.GetKind(), wl.node.GetName(), wl.node.GetNamespace()
	w, _ := pods.Of(wl.node)
	containers := pods.Entries(w.Template, "spec", pods.AppContainers)
	if len(containers) == 0 {
		return fmt.Errorf("--workload: %s %s has no containers", wl.kind, wl.name)
	}
	wl.container = krm.ScalarAt(containers[0].YNode(), "name")
	c.wl = wl
	return nil
}

func reservedFile(name string) bool {
	return slices.Contains([]string{"Kptfile", "kustomization.yaml", "CONVERSION.md", reducedDockerfile, ".krmignore",
		"inject-sidecar.yaml", "set-runas.yaml", "gen-kaniko-job.yaml"}, name) ||
		strings.HasPrefix(name, "scripts-to-configmap") || strings.HasPrefix(name, "add-init-chain")
}

// nameFromImage names the workload after the image: its last path element.
func nameFromImage(image string) string {
	repo := image
	if i := strings.LastIndex(repo, "@"); i >= 0 {
		repo = repo[:i]
	}
	repo = repo[strings.LastIndex(repo, "/")+1:]
	repo, _, _ = strings.Cut(repo, ":")
	name := strings.Trim(notLabelChars.ReplaceAllString(strings.ToLower(repo), "-"), "-")
	if name == "" {
		name = "app"
	}
	return truncate(name, 40)
}

func dnsLabel(name string) string {
	if name == "" || len(name) > 40 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" ||
		strings.HasPrefix(name, "-") || strings.HasSuffix(name, "-") {
		return "must be a DNS label of at most 40 characters (lowercase letters, digits, '-'): generated names are made from it"
	}
	return ""
}

// image is what the workload runs: the base image, or the one the KanikoJob builds.
func (c *converter) image() string {
	if c.build {
		return c.destination()
	}
	return c.base
}

func (c *converter) destination() string {
	repo := c.opts.Image
	if repo == "" {
		repo = "registry.example.com/" + c.wl.name
	}
	return repo + ":" + builtTag
}

// skeleton is the Deployment written when no --workload is given.
func (c *converter) skeleton() *yaml.RNode {
	labels := m("app", c.wl.name)
	n := m("apiVersion", "apps/v1", "kind", "Deployment",
		"metadata", m("name", c.wl.name, "labels", labels),
		"spec", m("replicas", 1, "selector", m("matchLabels", m("app", c.wl.name)),
			"template", m("metadata", m("labels", m("app", c.wl.name)),
				"spec", m("containers", []*yaml.Node{m("name", c.wl.container, "image", c.image())}))))
	return yaml.NewRNode(n)
}

func (c *converter) service() *yaml.RNode {
	var ports []*yaml.Node
	for _, p := range c.servicePorts {
		proto := p.protocol
		if proto == "TCP" {
			proto = ""
		}
		ports = append(ports, m("name", p.name, "port", int(p.number), "targetPort", p.name, "protocol", proto))
	}
	n := m("apiVersion", "v1", "kind", "Service",
		"metadata", m("name", c.wl.name, "labels", m("app", c.wl.name)),
		"spec", m("selector", m("app", c.wl.name), "ports", ports))
	return yaml.NewRNode(n)
}

// editWorkload writes the container's fields into the workload: image, command, args,
// env, workingDir, ports, the probe and the VOLUME mounts.
func (c *converter) editWorkload() error {
	if c.wl.skeleton {
		c.wl.node = c.skeleton()
		files := []workloadFile{{name: "deployment.yaml", nodes: []*yaml.RNode{c.wl.node}}}
		if len(c.servicePorts) > 0 {
			files = append(files, workloadFile{name: "service.yaml", nodes: []*yaml.RNode{c.service()}})
		}
		c.wl.files = files
	}
	w, ok := pods.Of(c.wl.node)
	i := pods.IndexNamed(w.Template, c.wl.container, "spec", pods.AppContainers)
	if !ok || i < 0 {
		return fmt.Errorf("%s %s: no container %s", c.wl.kind, c.wl.name, c.wl.container)
	}
	ctr := pods.Entries(w.Template, "spec", pods.AppContainers)[i]
	pod := krm.Get(w.Template, "spec")
	a := c.app
	set := func(field string, value any) error {
		if n := node(value); n != nil {
			return ctr.PipeE(yaml.SetField(field, yaml.NewRNode(n)))
		}
		return nil
	}
	// What the workload sets itself already won over the image's settings: it stays.
	own := func(field, instruction string) bool {
		if c.wl.skeleton || ctr.Field(field) == nil {
			return false
		}
		c.checks = append(c.checks, fmt.Sprintf("the workload sets its own %s, which won over the image's %s: it is kept", field, instruction))
		return true
	}
	if f := ctr.Field("image"); f != nil && f.Value.YNode().Kind == yaml.ScalarNode {
		f.Value.YNode().Value = c.image() // in place: its comments stay
	} else if err := set("image", c.image()); err != nil {
		return err
	}
	switch {
	case a.command != nil && own("command", "ENTRYPOINT"):
	case a.command != nil:
		if err := set("command", a.command); err != nil {
			return err
		}
		if a.args == nil {
			// Docker drops the image's CMD when the Dockerfile sets ENTRYPOINT; so does
			// a container with command and no args.
			if err := ctr.PipeE(yaml.Clear("args")); err != nil {
				return err
			}
		} else if !own("args", "CMD") {
			if err := set("args", a.args); err != nil {
				return err
			}
		}
	case a.args != nil && ctr.Field("command") == nil && !own("args", "CMD"):
		if err := set("args", a.args); err != nil {
			return err
		}
	}
	for _, e := range a.env {
		if !c.wl.skeleton && hasKey(ctr, "env", "name", e.name) {
			c.checks = append(c.checks, fmt.Sprintf("the workload sets its own %s, which won over the image's ENV: it is kept", e.name))
			continue
		}
		if err := appendByKey(ctr, "env", "name", e.name, m("name", e.name, "value", e.value), true); err != nil {
			return err
		}
	}
	if a.workingDir != "" && !own("workingDir", "WORKDIR") {
		if err := set("workingDir", a.workingDir); err != nil {
			return err
		}
	}
	for _, p := range a.ports {
		if err := appendByKey(ctr, "ports", "containerPort", strconv.Itoa(int(p.number)), portNode(p), false); err != nil {
			return err
		}
	}
	if a.probe != nil && !own("livenessProbe", "HEALTHCHECK") {
		if err := set("livenessProbe", m("exec", m("command", a.probe.command), "initialDelaySeconds", int(a.probe.initialDelay),
			"periodSeconds", int(a.probe.period), "timeoutSeconds", int(a.probe.timeout), "failureThreshold", int(a.probe.failures))); err != nil {
			return err
		}
	}
	for _, v := range c.volumes {
		name := volumeName(v)
		if err := appendByKey(ctr, "volumeMounts", "mountPath", v, m("name", name, "mountPath", v), false); err != nil {
			return err
		}
		if err := appendByKey(pod, "volumes", "name", name, m("name", name, "emptyDir", m()), false); err != nil {
			return err
		}
	}
	return nil
}

func portNode(p port) *yaml.Node {
	proto := p.protocol
	if proto == "TCP" {
		proto = ""
	}
	return m("name", p.name, "containerPort", int(p.number), "protocol", proto)
}

// appendByKey adds item to the list field unless an element has the same key; replace
// says whether such an element is replaced or kept.
func appendByKey(parent *yaml.RNode, field, key, value string, item *yaml.Node, replace bool) error {
	list, err := parent.Pipe(yaml.LookupCreate(yaml.SequenceNode, field))
	if err != nil {
		return err
	}
	for i, el := range list.Content() {
		if yaml.GetValue(yaml.NewRNode(el).Field(key).Value) == value {
			if replace {
				list.YNode().Content[i] = item
			}
			return nil
		}
	}
	return list.PipeE(yaml.Append(item))
}

func hasKey(parent *yaml.RNode, field, key, value string) bool {
	list := parent.Field(field)
	if list == nil {
		return false
	}
	for _, el := range list.Value.Content() {
		if yaml.GetValue(yaml.NewRNode(el).Field(key).Value) == value {
			return true
		}
	}
	return false
}

// workloadFiles writes the workload files of the package.
func (c *converter) workloadFiles(files map[string][]byte) error {
	for _, f := range c.wl.files {
		var buf bytes.Buffer
		if err := (kio.ByteWriter{Writer: &buf}).Write(f.nodes); err != nil {
			return err
		}
		files[f.name] = buf.Bytes()
	}
	return nil
}

package convert

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// m builds a mapping from alternating keys and values; empty values are left out.
func m(kv ...any) *yaml.Node {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for i := 0; i+1 < len(kv); i += 2 {
		if v := node(kv[i+1]); v != nil {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: kv[i].(string)}, v)
		}
	}
	return n
}

// octal is a file mode, written as 0755.
type octal int32

// node makes a YAML node of a Go value; nil for an empty one.
func node(v any) *yaml.Node {
	scalar := func(tag, value string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value} }
	switch v := v.(type) {
	case *yaml.Node:
		return v
	case string:
		if v == "" {
			return nil
		}
		n := scalar(yaml.NodeTagString, v)
		if strings.Contains(v, "\n") {
			n.Style = yaml.LiteralStyle
		}
		return n
	case int:
		if v == 0 {
			return nil
		}
		return scalar(yaml.NodeTagInt, strconv.Itoa(v))
	case int64:
		return scalar(yaml.NodeTagInt, strconv.FormatInt(v, 10))
	case octal:
		return scalar(yaml.NodeTagInt, fmt.Sprintf("0%o", v))
	case bool:
		return scalar(yaml.NodeTagBool, strconv.FormatBool(v))
	case []string:
		if len(v) == 0 {
			return nil
		}
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, s := range v {
			n.Content = append(n.Content, scalar(yaml.NodeTagString, s))
		}
		return n
	case []*yaml.Node:
		if len(v) == 0 {
			return nil
		}
		return &yaml.Node{Kind: yaml.SequenceNode, Content: v}
	}
	return nil
}

// step of the Kptfile and kustomization: a config file and the function that runs it.
type fnStep struct {
	file, function string
}

// pack writes the package: workload, configs, Kptfile, kustomization, what must still
// be built, and CONVERSION.md. Every config is decoded by its kind's rules first.
func (c *converter) pack() (*Package, error) {
	if err := c.editWorkload(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	if err := c.workloadFiles(files); err != nil {
		return nil, err
	}
	var steps []fnStep
	addConfig := func(file, function, kind string, n *yaml.Node) error {
		text, err := c.config(kind, function, n)
		if err != nil {
			return fmt.Errorf("%s would be invalid (check the Dockerfile's values, e.g. credentials in a URL; otherwise it is a bug of unbake convert): %v", file, err)
		}
		files[file] = text
		steps = append(steps, fnStep{file, function})
		return nil
	}
	if len(c.sidecars) > 0 {
		if err := addConfig("inject-sidecar.yaml", "inject-sidecar", "InjectSidecar", c.injectSidecar()); err != nil {
			return nil, err
		}
	}
	for _, ch := range c.chains {
		if err := addConfig(c.chainFile(ch), "add-init-chain", "InitChain", c.initChain(ch)); err != nil {
			return nil, err
		}
	}
	for _, target := range c.fileTargets() {
		if err := addConfig(stcFile(target), "scripts-to-configmap", "ScriptsToConfigMap", c.scriptsToConfigMap(target)); err != nil {
			return nil, err
		}
	}
	if c.build {
		if err := addConfig("gen-kaniko-job.yaml", "gen-kaniko-job", "KanikoJob", c.kanikoJob()); err != nil {
			return nil, err
		}
		files[reducedDockerfile] = []byte(c.reduced())
	}
	if c.runAs != nil {
		if err := addConfig("set-runas.yaml", "set-runas", "SetRunAs", c.setRunAs()); err != nil {
			return nil, err
		}
	}
	for p, data := range c.copies {
		files[p] = data
	}
	if len(c.copies) > 0 {
		files[".krmignore"] = []byte("# The COPYed files: ScriptsToConfigMap reads them, kpt must not take them for manifests.\n" + filesDir + "/\n")
	}
	var resources []string
	for _, f := range c.wl.files {
		resources = append(resources, f.name)
	}
	files["Kptfile"] = c.kptfile(steps)
	files["kustomization.yaml"] = c.kustomization(resources, steps)
	files["CONVERSION.md"] = c.report(files)
	return &Package{Name: c.wl.name, Files: files, MustBuild: c.build}, nil
}

// config writes a function config with the annotations both tools need, after checking
// it decodes by its kind's rules.
func (c *converter) config(kind, function string, n *yaml.Node) ([]byte, error) {
	for i := 0; i < len(n.Content); i += 2 {
		if n.Content[i].Value == "metadata" {
			n.Content[i+1].Content = append(n.Content[i+1].Content, m("annotations", m(
				"config.kubernetes.io/local-config", "true",
				"config.kubernetes.io/function", "exec:\n  path: "+function+"\n")).Content...)
		}
	}
	n.Content = append(m("apiVersion", fnconfigs.APIVersion, "kind", kind).Content, n.Content...)
	rn := yaml.NewRNode(n)
	for _, k := range fnconfigs.Kinds {
		if k.Name == kind {
			if errs := fnconfigs.Decode(rn.Copy(), kind, k.New()); len(errs) > 0 {
				return nil, errs.ToAggregate()
			}
		}
	}
	text, err := rn.String()
	return []byte(text), err
}

func (c *converter) selector() *yaml.Node {
	var namespaces []string
	if c.wl.namespace != "" {
		namespaces = []string{c.wl.namespace}
	}
	return m("kinds", []string{c.wl.kind}, "names", []string{c.wl.name}, "namespaces", namespaces)
}

func (c *converter) injectSidecar() *yaml.Node {
	var containers []*yaml.Node
	for _, s := range c.sidecars {
		var ports []*yaml.Node
		for _, p := range s.ports {
			ports = append(ports, portNode(p))
		}
		containers = append(containers, m("name", s.helper.Container, "image", s.helper.Image, "ports", ports))
	}
	n := m("metadata", m("name", c.wl.name+"-sidecars"),
		"spec", m("selector", c.selector(), "containers", containers))
	return n
}

func (c *converter) chainFile(ch *chain) string {
	return "add-init-chain-" + strings.TrimPrefix(ch.name, c.wl.name+"-") + ".yaml"
}

func (c *converter) initChain(ch *chain) *yaml.Node {
	var steps []*yaml.Node
	for _, s := range ch.steps {
		var env []*yaml.Node
		for _, e := range s.env {
			env = append(env, m("name", e[0], "value", e[1]))
		}
		st := m("name", s.name, "image", s.image, "env", env, "script", s.script)
		if s.gitClone != nil {
			st.Content = append(st.Content, m("gitClone", m("repo", s.gitClone.repo, "revision", s.gitClone.revision)).Content...)
		}
		if s.pip != nil {
			st.Content = append(st.Content, m("pip", m("venv", s.pip.venv, "packages", s.pip.packages, "requirements", s.pip.requirements)).Content...)
		}
		steps = append(steps, st)
	}
	mount := m("containers", []string{c.wl.container}, "mountPath", ch.workspace)
	if ch.file != "" {
		mount = m("containers", []string{c.wl.container}, "mountPath", ch.file, "subPath", path.Base(ch.file))
	}
	n := m("metadata", m("name", ch.name),
		"spec", m("selector", c.selector(), "volume", m("name", ch.name, "emptyDir", m()),
			"workspacePath", ch.workspace, "steps", steps, "appMounts", []*yaml.Node{mount}))
	return n
}

// fileTargets are the containers that get COPYed files: the app first, then sidecars.
func (c *converter) fileTargets() []string {
	var targets []string
	if len(c.files[""]) > 0 {
		targets = append(targets, "")
	}
	for _, s := range c.sidecars {
		if len(c.files[s.helper.Container]) > 0 {
			targets = append(targets, s.helper.Container)
		}
	}
	return targets
}

func stcFile(target string) string {
	if target == "" {
		return "scripts-to-configmap.yaml"
	}
	return "scripts-to-configmap-" + target + ".yaml"
}

func (c *converter) scriptsToConfigMap(target string) *yaml.Node {
	container, name := target, c.wl.name+"-"+target+"-files"
	if target == "" {
		container, name = c.wl.container, c.wl.name+"-files"
	}
	var files []*yaml.Node
	for _, f := range c.files[target] {
		key := f.key
		if f.path != "" && key == path.Base(f.path) {
			key = ""
		}
		var content any
		if f.content != nil {
			content = node(*f.content)
			if *f.content == "" {
				content = scalarString("")
			}
		}
		var mode any
		if f.mode != nil {
			mode = octal(*f.mode)
		}
		files = append(files, m("key", key, "path", f.path, "content", content, "mode", mode, "destination", f.destination))
	}
	n := m("metadata", m("name", truncate(name, 63)),
		"spec", m("files", files, "target", m("selector", c.selector(), "containers", []string{container})))
	return n
}

func scalarString(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s, Style: yaml.DoubleQuotedStyle}
}

func (c *converter) setRunAs() *yaml.Node {
	n := m("metadata", m("name", c.wl.name+"-user"),
		"spec", m("selector", c.selector(), "containers", []string{c.wl.container},
			"runAsUser", c.runAs.user, "runAsGroup", c.runAs.group))
	return n
}

func (c *converter) kanikoJob() *yaml.Node {
	n := m("metadata", m("name", "build-"+c.wl.name, "namespace", c.wl.namespace),
		"spec", m("context", "git://git.example.com/"+c.wl.name+".git#refs/heads/main",
			"dockerfile", reducedDockerfile, "destinations", []string{c.destination()}, "revision", c.opts.Revision))
	return n
}

// reduced is Dockerfile.unbake: only what must be built.
func (c *converter) reduced() string {
	return "# What unbake convert could not replace with Kubernetes features: the KanikoJob\n" +
		"# (gen-kaniko-job.yaml) builds it. Everything else is in the package (CONVERSION.md).\n" +
		strings.Join(c.kept, "\n") + "\n"
}

func (c *converter) kptfile(steps []fnStep) []byte {
	var mutators []*yaml.Node
	for _, s := range steps {
		mutators = append(mutators, m("exec", s.function, "configPath", s.file))
	}
	n := m("apiVersion", "kpt.dev/v1", "kind", "Kptfile",
		"metadata", m("name", c.wl.name, "annotations", m("config.kubernetes.io/local-config", "true")),
		"info", m("description", "Converted by unbake convert from "+c.dockerfileName()+": see CONVERSION.md."),
		"pipeline", m("mutators", mutators))
	text, _ := yaml.NewRNode(n).String()
	return []byte(text)
}

func (c *converter) kustomization(resources []string, steps []fnStep) []byte {
	var transformers []string
	for _, s := range steps {
		transformers = append(transformers, s.file)
	}
	n := m("apiVersion", "kustomize.config.k8s.io/v1beta1", "kind", "Kustomization",
		"metadata", m("name", c.wl.name, "annotations", m("config.kubernetes.io/local-config", "true")),
		"resources", resources, "transformers", transformers)
	text, _ := yaml.NewRNode(n).String()
	return []byte(text)
}

func (c *converter) dockerfileName() string {
	name := path.Base(strings.ReplaceAll(c.opts.Dockerfile, "\\", "/"))
	if slices.Contains([]string{"", ".", "/"}, name) {
		return "Dockerfile"
	}
	return name
}

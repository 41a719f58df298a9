package setrunas

import (
	"slices"
	"strconv"

	"github.com/unbake/unbake/fnconfigs"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// wrapperName is the wrapper's $0. It marks a command as wrapped by groupSetup, so that
// a re-run finds the original command behind it instead of wrapping it twice.
const wrapperName = "set-runas-group-setup"

// wrapperScript runs as root: it creates the group and the user when the image lacks
// them, then runs the original command ("$@") as that user and group. Names, IDs and the
// command come as positional arguments, so no config or manifest value is ever shell text.
const wrapperScript = `set -e
group=$1 gid=$2 user=$3 uid=$4
shift 4
getent group "$group" >/dev/null || groupadd -g "$gid" "$group"
id -u "$user" >/dev/null 2>&1 || useradd -M -N -g "$group" -u "$uid" "$user"
exec runuser -u "$user" -g "$group" -- "$@"
`

// wrapperArgs counts the wrapper's words before the original command: sh, -c, the script,
// $0, group, gid, user, uid.
const wrapperArgs = 8

// wrap is the command that sets up the group and user, then runs command.
func wrap(spec *fnconfigs.SetRunAsSpec, command []string) []string {
	return append([]string{"sh", "-c", wrapperScript, wrapperName,
		spec.GroupSetup.Group, strconv.FormatInt(*spec.RunAsGroup, 10),
		spec.GroupSetup.User, strconv.FormatInt(*spec.RunAsUser, 10)}, command...)
}

// unwrap returns the original command of a wrapped one.
func unwrap(command []string) ([]string, bool) {
	if len(command) > wrapperArgs && command[0] == "sh" && command[1] == "-c" && command[3] == wrapperName {
		return command[wrapperArgs:], true
	}
	return command, false
}

// commandOf reads a container's command.
func commandOf(container *yaml.RNode) []string {
	list := container.Field("command")
	if list == nil || list.Value.YNode().Kind != yaml.SequenceNode {
		return nil
	}
	return scalars(list.Value)
}

func setCommand(container *yaml.RNode, command []string) error {
	list := yaml.NewListRNode()
	for _, word := range command {
		list.YNode().Content = append(list.YNode().Content, yaml.NewStringRNode(word).YNode())
	}
	// Block style whatever the original's style: the wrapper's script spans lines.
	return container.PipeE(yaml.FieldSetter{Name: "command", Value: list, OverrideStyle: true})
}

// setupGroups wraps the command of each container groupSetup names.
func (p *pass) setupGroups() error {
	spec := &p.cfg.Spec
	if spec.GroupSetup == nil {
		return nil
	}
	for _, name := range spec.Containers {
		c := p.containers[name]
		command := commandOf(c.Node)
		if len(command) == 0 {
			p.Errorf(p.w.Field(c.Field()+".command"),
				"container %q has no command, and groupSetup must wrap one: the image's ENTRYPOINT is not known without pulling it; set the container's command (e.g. with ScriptsToConfigMap's command), or remove %q from spec.containers",
				name, name)
			continue
		}
		original, _ := unwrap(command)
		wanted := wrap(spec, original)
		if slices.Equal(command, wanted) {
			continue
		}
		if err := setCommand(c.Node, wanted); err != nil {
			return err
		}
		p.rec.claim(p.cfg.Metadata.Name, recordKey(name, "command"))
		p.changed(name, "command wrapped by groupSetup")
	}
	return nil
}

// restoreCommand puts back the original command of a container this config wrapped.
func (p *pass) restoreCommand(name string) error {
	c := p.containers[name]
	original, wrapped := unwrap(commandOf(c.Node))
	if !wrapped {
		return nil
	}
	p.changed(name, "original command restored")
	return setCommand(c.Node, original)
}

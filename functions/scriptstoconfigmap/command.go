package scriptstoconfigmap

import (
	"slices"

	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// setCommand gives the target containers the config's command and args, where the config
// has them: they replace the image's ENTRYPOINT and CMD.
func (a *application) setCommand(targets []workload.Container) error {
	for _, c := range targets {
		for _, f := range []struct {
			name   string
			values []string
		}{{"command", a.cfg.Spec.Command}, {"args", a.cfg.Spec.Args}} {
			changed, err := setStrings(c.Node, f.name, f.values)
			if err != nil {
				return err
			}
			if changed {
				a.Infof(a.w.Field(c.Field()+"."+f.name), "set the %s of container %q to %q", f.name, c.Name(), f.values)
			}
		}
	}
	return nil
}

// setStrings sets field to values, unless values is empty or the field already has them.
func setStrings(node *yaml.RNode, field string, values []string) (bool, error) {
	if len(values) == 0 || slices.Equal(stringsOf(krm.Lookup(node.YNode(), field)), values) {
		return false, nil
	}
	return true, node.PipeE(yaml.SetField(field, yaml.NewListRNode(values...)))
}

func stringsOf(list *yaml.Node) []string {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	var values []string
	for _, n := range list.Content {
		values = append(values, n.Value)
	}
	return values
}

// warnLeftCommand warns about containers whose command or args still name a path where
// this config's volume was mounted (mounted: by container) before it was removed: the
// file is gone, and what the command was before the config set it is not known.
func (a *application) warnLeftCommand(mounted map[string][]string) {
	for _, c := range a.w.Containers() {
		for _, f := range []string{"command", "args"} {
			for _, arg := range stringsOf(krm.Lookup(c.Node.YNode(), f)) {
				if slices.ContainsFunc(mounted[c.Name()], func(p string) bool { return arg == p || within(arg, p) }) {
					a.Warnf(a.w.Field(c.Field()+"."+f),
						"container %q runs %s, which this config no longer mounts there: set the %s by hand, or remove it to run the image's own",
						c.Name(), arg, f)
					break
				}
			}
		}
	}
}

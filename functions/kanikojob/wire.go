package kanikojob

import (
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// wire sets the built reference on every container of the ResourceList's workloads whose
// image is in a destination's repository, as kustomize's images: does; nothing else is
// touched. With a revision that is the immutable revision tag, so each build rolls out.
func (b *build) wire(rl *krm.ResourceList) error {
	generator := kind + "." + b.cfg.Metadata.Name
	uses := false
	var others []workload.Workload
	err := rl.Each(func(item *yaml.RNode) error {
		w, by, ok := workload.Candidate(item)
		if !ok {
			return nil
		}
		if by != "" {
			if by != generator {
				others = append(others, w)
			}
			return nil
		}
		for _, c := range w.Containers() {
			image := c.Node.Field("image")
			if image == nil || image.Value.YNode().Kind != yaml.ScalarNode {
				continue
			}
			ref, err := name.ParseReference(image.Value.YNode().Value)
			if err != nil {
				continue
			}
			d := b.forRepository(ref.Context().Name())
			if d == nil {
				continue
			}
			uses = true
			if was := image.Value.YNode().Value; was != d.built {
				// The scalar is changed in place, so its quoting and comments stay.
				image.Value.YNode().Value = d.built
				rl.Results = append(rl.Results, krm.Result(framework.Info, item, w.Field(c.Field()+".image"),
					"container %q: image %s, built by KanikoJob %s (was %s)", c.Name(), d.built, b.cfg.Metadata.Name, was))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, w := range others {
		b.leaveToGenerator(rl, w)
	}
	if !uses {
		rl.Results = append(rl.Results, krm.Propose(krm.WarningResult(rl.FunctionConfig, "spec.wireImages",
			"no container of the ResourceList's workloads uses %s, so no image was wired: check the destinations, or set wireImages: false (as a kustomize generator the function sees no workloads)",
			b.repositories()), false))
	}
	return nil
}

// leaveToGenerator reports the images of a workload another config generated that this
// build would have wired: such items belong to their generator (a pre-pull DaemonSet
// copies the built tag from the workloads when it runs after this step).
func (b *build) leaveToGenerator(rl *krm.ResourceList, w workload.Workload) {
	for _, c := range w.Containers() {
		image := krm.ScalarAt(c.Node.YNode(), "image")
		ref, err := name.ParseReference(image)
		if err != nil || b.forRepository(ref.Context().Name()) == nil {
			continue
		}
		rl.Results = append(rl.Results, krm.Result(framework.Info, w.Item, w.Field(c.Field()+".image"),
			"container %q: image %s left alone: %s generated this %s (annotation %s)",
			c.Name(), image, krm.GeneratedBy(w.Item), w.Item.GetKind(), krm.GeneratedByAnnotation))
	}
}

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
	replaced := map[string]bool{}
	var others []workload.Workload
	err := rl.Each(func(item *yaml.RNode) error {
		if krm.Reserved(item) {
			return nil
		}
		w, ok := workload.Of(item)
		if !ok {
			return nil
		}
		if by := workload.GeneratedBy(item); by != "" {
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
				replaced[was] = true
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
		b.leaveToGenerator(rl, w, replaced)
	}
	if !uses {
		rl.Results = append(rl.Results, krm.Propose(krm.Warning(rl.FunctionConfig, "spec.wireImages",
			"no container of the ResourceList's workloads uses %s, so no image was wired: check the destinations, or set wireImages: false (as a kustomize generator the function sees no workloads)",
			b.repositories()), false))
	}
	return nil
}

// leaveToGenerator reports the images of a workload another config generated that this
// build would have wired: such items belong to their generator. One that runs a reference
// this run replaced in a workload was generated from the workloads before this step ran,
// and its generator would copy the built tag on the next render: that is an error, fixed
// by running this config before the generator's.
func (b *build) leaveToGenerator(rl *krm.ResourceList, w workload.Workload, replaced map[string]bool) {
	by := workload.GeneratedBy(w.Item)
	for _, c := range w.Containers() {
		image := yaml.GetValue(c.Node.Field("image").Value)
		ref, err := name.ParseReference(image)
		if err != nil || b.forRepository(ref.Context().Name()) == nil {
			continue
		}
		at := w.Field(c.Field() + ".image")
		if replaced[image] {
			rl.Results = append(rl.Results, krm.Error(w.Item, at,
				"container %q runs %s, which KanikoJob %s replaced with its built tag in the workloads; %s generated this %s before, from the workloads as they were, and would copy the built tag on the next render: run KanikoJob %s before %s in the pipeline",
				c.Name(), image, b.cfg.Metadata.Name, by, w.Item.GetKind(), b.cfg.Metadata.Name, by))
			continue
		}
		rl.Results = append(rl.Results, krm.Info(w.Item, "container %q: image %s left alone: %s generated this %s (annotation %s)",
			c.Name(), image, by, w.Item.GetKind(), krm.GeneratedByAnnotation))
	}
}

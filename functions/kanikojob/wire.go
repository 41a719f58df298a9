package kanikojob

import (
	"fmt"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// consumers visits the ResourceList's workloads. With set (wireImages), it sets the built
// reference on every container whose image is in a destination's repository, as
// kustomize's images: does; nothing else is touched. With a revision that is the immutable
// revision tag, so each build rolls out. Either way it checks the workloads that use the
// image against the build's platform, and every workload's pull Secrets against the push
// Secret.
func (b *build) consumers(rl *krm.ResourceList, set bool) error {
	generator := kind + "." + b.cfg.Metadata.Name
	uses := false
	var others []workload.Workload
	err := rl.Each(func(item *yaml.RNode) error {
		w, by, ok := workload.Candidate(item)
		if !ok {
			return nil
		}
		if by != "" {
			if by != generator && set {
				others = append(others, w)
			}
			return nil
		}
		rl.Results = append(rl.Results, b.checkPullSecrets(w)...)
		consumes := false
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
			uses, consumes = true, true
			if was := image.Value.YNode().Value; set && was != d.built {
				// The scalar is changed in place, so its quoting and comments stay.
				image.Value.YNode().Value = d.built
				rl.Results = append(rl.Results, krm.Result(framework.Info, item, w.Field(c.Field()+".image"),
					"container %q: image %s, built by KanikoJob %s (was %s)", c.Name(), d.built, b.cfg.Metadata.Name, was))
			}
		}
		if consumes {
			rl.Results = append(rl.Results, b.checkPlatform(rl.FunctionConfig, w)...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, w := range others {
		b.leaveToGenerator(rl, w)
	}
	if !uses && set {
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

// checkPlatform warns when a workload that runs the built image asks for an architecture
// (nodeSelector kubernetes.io/arch) the build does not target: kaniko builds for the
// platform of the node it runs on unless customPlatform says otherwise, and an image of
// another architecture fails on start with "exec format error".
func (b *build) checkPlatform(config *yaml.RNode, w workload.Workload) framework.Results {
	want := krm.ScalarAt(w.Template.YNode(), "spec", "nodeSelector", corev1.LabelArchStable)
	if want == "" {
		return nil
	}
	s := b.cfg.Spec
	builds, from := fnconfigs.PlatformArch(s.CustomPlatform), "spec.customPlatform"
	if builds == "" {
		builds, from = s.NodeSelector[corev1.LabelArchStable], "spec.nodeSelector"
	}
	fieldPath := w.Field("spec.nodeSelector." + corev1.LabelArchStable)
	proposed := "linux/" + want
	if builds == "" {
		return framework.Results{krm.Propose(krm.WarningResult(w.Item, fieldPath,
			"runs on %s nodes only, but KanikoJob %s builds for whatever node its pod lands on: set spec.customPlatform: %s, or spec.nodeSelector %s: %s, in the KanikoJob",
			want, b.cfg.Metadata.Name, proposed, corev1.LabelArchStable, want), proposed)}
	}
	if builds != want {
		return framework.Results{krm.Propose(krm.WarningResult(w.Item, fieldPath,
			"runs on %s nodes only, but KanikoJob %s builds for %s (%s): the image would fail to start there with \"exec format error\"; build for %s",
			want, b.cfg.Metadata.Name, builds, from, proposed), proposed)}
	}
	return nil
}

// checkPullSecrets warns when a workload of the Job's namespace pulls with the push Secret:
// every pod that can use it then holds push rights to the registry, and anyone who can
// run a pod there can overwrite the images. Pulling needs read-only credentials.
func (b *build) checkPullSecrets(w workload.Workload) framework.Results {
	secret := b.cfg.Spec.RegistrySecret
	if secret == "" || w.Item.GetNamespace() != b.cfg.Metadata.Namespace {
		return nil
	}
	i := workload.IndexNamed(w.Template, secret, "spec", "imagePullSecrets")
	if i < 0 {
		return nil
	}
	return framework.Results{krm.Propose(krm.WarningResult(w.Item, w.Field(fmt.Sprintf("spec.imagePullSecrets[%d].name", i)),
		"pulls with %q, the Secret KanikoJob %s pushes with (spec.registrySecret): every pod that uses it can push to the registry; give the workloads a separate Secret with read-only (pull) credentials",
		secret, b.cfg.Metadata.Name), secret+"-pull")}
}

package prepulldaemonset

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/unbake/unbake/fnconfigs"
	"github.com/unbake/unbake/functions/krm"
	"github.com/unbake/unbake/functions/workload"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// found is an image reference and where it was written: a field of the config, or a
// container of a workload.
type found struct {
	img image
	// item is the config, or the workload's krm.Subject: what results about it need.
	item  *yaml.RNode
	field string
	// where names the place in messages: the config field, or the container (kustomize
	// shows a result's message and resource, not its field path).
	where string
	// secrets are the workload's imagePullSecrets.
	secrets []secretRef
	// placement is where the workload's pods may run (none with spec.placement), and
	// workload names it for the results.
	placement placement
	workload  string
}

// collection is what the config and the ResourceList say to pre-pull.
type collection struct {
	cfg        *fnconfigs.PrepullDaemonSet
	listed     []found
	discovered []found
	results    framework.Results
	// include and exclude are spec.include and spec.exclude, compiled.
	include, exclude globs
}

// collect reads the listed images and, with discover, every pod template's images.
func collect(cfg *fnconfigs.PrepullDaemonSet, rl *krm.ResourceList) (*collection, error) {
	c := &collection{cfg: cfg}
	for i, ref := range cfg.Spec.Images {
		c.listed = append(c.listed, c.fromConfig(rl.FunctionConfig, ref, fmt.Sprintf("spec.images[%d]", i)))
	}
	if cfg.Spec.Discover {
		c.include, c.exclude = compileGlobs(cfg.Spec.Include), compileGlobs(cfg.Spec.Exclude)
		if err := rl.Each(c.discover); err != nil {
			return nil, err
		}
	}
	helpers := []found{c.fromConfig(rl.FunctionConfig, cfg.Spec.SleepImage, "spec.sleepImage")}
	if cfg.Spec.Refresh != nil {
		helpers = append(helpers, c.fromConfig(rl.FunctionConfig, cfg.Spec.Refresh.KubectlImage, cfg.Spec.Refresh.KubectlImageField()))
	}
	for _, f := range slices.Concat(c.listed, c.discovered, helpers) {
		c.checkLatest(f)
	}
	return c, nil
}

// fromConfig is a reference of the config, which validation has already parsed.
func (c *collection) fromConfig(config *yaml.RNode, ref, fieldPath string) found {
	img, _ := parseImage(ref)
	return found{img: img, item: config, field: fieldPath, where: fieldPath}
}

// discover reads the containers and init containers of item's pod template, leaving out
// the workloads a config generated: a PrepullDaemonSet's pods only hold copies of the
// images, and the others (a kaniko build Job) belong to their generator, whose images the
// nodes that run the app do not need.
func (c *collection) discover(item *yaml.RNode) error {
	w, generator, ok := workload.Candidate(item)
	if !ok {
		return nil
	}
	if generator != "" {
		if !strings.HasPrefix(generator, kind+".") {
			c.results = append(c.results, krm.InfoResult(item,
				"images not discovered: %s generated this %s (annotation %s); list an image in spec.images to pre-pull it all the same",
				generator, item.GetKind(), krm.GeneratedByAnnotation))
		}
		return nil
	}
	subject, secrets := krm.Subject(item), secretsOf(w)
	var where placement
	if c.cfg.Spec.Placement == nil {
		var bad string
		if where, bad = placementOf(w); bad != "" {
			c.results = append(c.results, krm.WarningResult(item, bad,
				"cannot read the pod placement here, so this workload's images go where the config's nodeSelector, tolerations and affinity say; correct the field"))
		}
	}
	for _, container := range w.Containers() {
		fieldPath := w.Field(container.Field() + ".image")
		ref := stringField(container.Node, "image")
		if ref == "" {
			c.results = append(c.results, krm.WarningResult(item, fieldPath,
				"container %q has no image, so there is nothing to pre-pull for it", container.Name()))
			continue
		}
		img, err := parseImage(ref)
		spellings := []string{ref, img.key}
		if (len(c.include) > 0 && !c.include.match(spellings...)) || c.exclude.match(spellings...) {
			continue
		}
		if err != nil {
			c.results = append(c.results, krm.ErrorResult(item, fieldPath,
				"container %q: cannot pre-pull image %q: %v; correct the reference, or leave it out with spec.exclude",
				container.Name(), ref, err))
			continue
		}
		c.discovered = append(c.discovered, found{img: img, item: subject, field: fieldPath,
			where: fmt.Sprintf("container %q", container.Name()), secrets: secrets, placement: where, workload: krm.Describe(item)})
	}
	return nil
}

// stringField is the value of a scalar field of n, "" when it is missing.
func stringField(n *yaml.RNode, name string) string {
	if f := n.Field(name); f != nil {
		return yaml.GetValue(f.Value)
	}
	return ""
}

// checkLatest reports a reference whose content changes with every push (seeds/003:
// pin a version or a digest), as spec.latest says.
func (c *collection) checkLatest(f found) {
	if !f.img.latest() || c.cfg.Spec.Latest == fnconfigs.LatestAllow {
		return
	}
	what := "uses the tag latest"
	if f.img.tag == "" {
		what = "has no tag, so it means :latest"
	}
	report := krm.WarningResult
	if c.cfg.Spec.Latest == fnconfigs.LatestError {
		report = krm.ErrorResult
	}
	c.results = append(c.results, report(f.item, f.field,
		"%s: image %q %s, whose content changes with every push: pin a version or a digest (or set spec.latest: allow in the config)",
		f.where, f.img.ref, what))
}

// pick gives the distinct images of listed and discovered in their output order: the
// listed ones as listed, then the discovered ones sorted. Of several spellings of a
// discovered image the shortest (then the first in sort order) wins, so the result does
// not depend on the order of the items, which kustomize and kpt give differently.
func pick(listedImages, discoveredImages []found) (all []image, listed int) {
	var out []image
	seen := map[string]bool{}
	for _, f := range listedImages {
		if !seen[f.img.key] {
			seen[f.img.key] = true
			out = append(out, f.img)
		}
	}
	spelling := map[string]image{}
	for _, f := range discoveredImages {
		if prev, ok := spelling[f.img.key]; !seen[f.img.key] && (!ok || compareSpellings(f.img.ref, prev.ref) < 0) {
			spelling[f.img.key] = f.img
		}
	}
	discovered := slices.SortedFunc(maps.Values(spelling), func(a, b image) int { return strings.Compare(a.ref, b.ref) })
	return append(out, discovered...), len(out)
}

func compareSpellings(a, b string) int {
	return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
}

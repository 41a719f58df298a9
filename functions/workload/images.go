package workload

import (
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/functions/krm"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// DiscoverAnnotation is on the DaemonSets a PrepullDaemonSet generated with discover:
// true, holding its include and exclude globs as JSON. A later step that adds images to
// the workloads reads it to tell that the DaemonSet misses them: its generator ran before
// that step, and would add them on the next render.
const DiscoverAnnotation = "fn.unbake.dev/prepull-discover"

// Discovery is the value of DiscoverAnnotation.
type Discovery struct {
	Include []string `json:"include,omitempty"`
	Exclude []string `json:"exclude,omitempty"`
}

// Takes tells whether the globs let an image through, by any of its spellings.
func (d Discovery) Takes(spellings ...string) bool {
	include, exclude := CompileGlobs(d.Include), CompileGlobs(d.Exclude)
	return (len(include) == 0 || include.Match(spellings...)) && !exclude.Match(spellings...)
}

// dockerHub is how go-containerregistry names Docker Hub; users write docker.io.
const dockerHub = name.DefaultRegistry + "/"

// ImageKey is the fully qualified reference that identifies an image: the runtime pulls
// nginx and docker.io/library/nginx:latest alike, and a digest wins over a tag. tag is the
// tag as written, "" for none.
func ImageKey(ref string) (key, tag string, digest bool, err error) {
	// An empty default tag tells an untagged reference from one tagged explicitly (the
	// library would fill in latest).
	parsed, err := name.ParseReference(ref, name.WithDefaultTag(""))
	if err != nil {
		return "", "", false, err
	}
	repo := parsed.Context().Name()
	if rest, ok := strings.CutPrefix(repo, dockerHub); ok {
		repo = "docker.io/" + rest
	}
	if d, ok := parsed.(name.Digest); ok {
		return repo + "@" + d.DigestStr(), "", true, nil
	}
	tag = parsed.Identifier()
	return repo + ":" + cmp.Or(tag, name.DefaultTag), tag, false, nil
}

// Globs match image references against include/exclude globs, where '*' crosses '/'
// (unlike path.Match): registry.example.com/* means every image of that registry.
type Globs []*regexp.Regexp

// CompileGlobs compiles patterns of '*' and '?' wildcards.
func CompileGlobs(patterns []string) Globs {
	g := make(Globs, len(patterns))
	for i, p := range patterns {
		var b strings.Builder
		b.WriteString("^")
		for _, r := range p {
			switch r {
			case '*':
				b.WriteString(".*")
			case '?':
				b.WriteString(".")
			default:
				b.WriteString(regexp.QuoteMeta(string(r)))
			}
		}
		b.WriteString("$")
		g[i] = regexp.MustCompile(b.String())
	}
	return g
}

// Match tells whether any glob matches any of the given spellings of a reference.
func (g Globs) Match(spellings ...string) bool {
	for _, re := range g {
		for _, s := range spellings {
			if s != "" && re.MatchString(s) {
				return true
			}
		}
	}
	return false
}

// Unprepulled is a DaemonSet that a PrepullDaemonSet generated with discover: true and
// that misses images a step added to the workloads after it ran.
type Unprepulled struct {
	DaemonSet *yaml.RNode
	Generator string
	Images    []string
}

// NotPrepulled finds the DaemonSets that PrepullDaemonSets generated with discover: true,
// that would discover some of images but do not pre-pull them.
func NotPrepulled(rl *krm.ResourceList, images []string) ([]Unprepulled, error) {
	items, err := rl.ItemsWith(DiscoverAnnotation, func(item *yaml.RNode) bool {
		return item.GetKind() == "DaemonSet" && GeneratedBy(item) != "" && item.GetAnnotations(DiscoverAnnotation)[DiscoverAnnotation] != ""
	})
	if err != nil {
		return nil, err
	}
	var found []Unprepulled
	for _, item := range items {
		w, ok := Of(item)
		if !ok {
			continue
		}
		var d Discovery
		if err := json.Unmarshal([]byte(item.GetAnnotations(DiscoverAnnotation)[DiscoverAnnotation]), &d); err != nil {
			continue // not written by a PrepullDaemonSet: not this check's business
		}
		pulled := map[string]bool{} // by its containers: its init container only copies sleep
		for _, c := range w.Containers() {
			if c.List != AppContainers {
				continue
			}
			key, _, _, _ := ImageKey(krm.ScalarAt(c.Node.YNode(), "image"))
			pulled[key] = true
		}
		var missed []string
		for _, ref := range images {
			key, _, _, err := ImageKey(ref)
			if err == nil && !pulled[key] && d.Takes(ref, key) && !slices.Contains(missed, ref) {
				missed = append(missed, ref)
			}
		}
		if len(missed) > 0 {
			found = append(found, Unprepulled{DaemonSet: item, Generator: GeneratedBy(item), Images: missed})
		}
	}
	return found, nil
}

// ContainerImages are the images of containers, in order.
func ContainerImages(containers []corev1.Container) []string {
	images := make([]string, len(containers))
	for i, c := range containers {
		images[i] = c.Image
	}
	return images
}

// ReportNotPrepulled adds an error result for each DaemonSet that NotPrepulled finds:
// step ("InjectSidecar log-shipper") added images to the workloads after the DaemonSet's
// generator ran, so the next render would change the DaemonSet.
func ReportNotPrepulled(rl *krm.ResourceList, images []string, step string) error {
	found, err := NotPrepulled(rl, images)
	if err != nil {
		return err
	}
	for _, u := range found {
		rl.Results = append(rl.Results, krm.Error(u.DaemonSet, "spec.template.spec.containers",
			"%s generated this DaemonSet to pre-pull the workloads' images before %s added %s to them, so the next render would change it: run %s after %s in the pipeline",
			u.Generator, step, strings.Join(u.Images, ", "), u.Generator, step))
	}
	return nil
}

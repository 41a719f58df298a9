package prepulldaemonset

import (
	"cmp"
	"regexp"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

// image is one image reference, as written and as the container runtime resolves it.
type image struct {
	// ref is the reference as the user wrote it; the DaemonSet uses it unchanged.
	ref string
	// key is the fully qualified reference that identifies the image: the runtime pulls
	// nginx and docker.io/library/nginx:latest alike, and a digest wins over a tag.
	key string
	// tag is the tag as written, "" for none.
	tag string
	// digest tells a reference pinned by digest, whose content cannot change.
	digest bool
}

// latest tells an untagged or ':latest' reference without a digest: its content changes
// whenever someone pushes.
func (i image) latest() bool { return !i.digest && (i.tag == "" || i.tag == name.DefaultTag) }

func refs(images []image) []string {
	out := make([]string, len(images))
	for i, img := range images {
		out[i] = img.ref
	}
	return out
}

// dockerHub is how go-containerregistry names Docker Hub; users write docker.io.
const dockerHub = name.DefaultRegistry + "/"

// parseImage reads a reference with go-containerregistry. An empty default tag tells an
// untagged reference from one tagged explicitly (the library would fill in latest).
func parseImage(ref string) (image, error) {
	parsed, err := name.ParseReference(ref, name.WithDefaultTag(""))
	if err != nil {
		return image{}, err
	}
	repo := parsed.Context().Name()
	if rest, ok := strings.CutPrefix(repo, dockerHub); ok {
		repo = "docker.io/" + rest
	}
	if d, ok := parsed.(name.Digest); ok {
		return image{ref: ref, key: repo + "@" + d.DigestStr(), digest: true}, nil
	}
	tag := parsed.Identifier()
	return image{ref: ref, key: repo + ":" + cmp.Or(tag, name.DefaultTag), tag: tag}, nil
}

// globs matches image references against include/exclude globs, where '*' crosses '/'
// (unlike path.Match): registry.example.com/* means every image of that registry.
type globs []*regexp.Regexp

func compileGlobs(patterns []string) globs {
	g := make(globs, len(patterns))
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

// match tells whether any glob matches any of the given spellings of a reference.
func (g globs) match(spellings ...string) bool {
	for _, re := range g {
		for _, s := range spellings {
			if s != "" && re.MatchString(s) {
				return true
			}
		}
	}
	return false
}

package prepulldaemonset

import (
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/unbake/unbake/functions/workload"
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

// parseImage reads a reference with go-containerregistry.
func parseImage(ref string) (image, error) {
	key, tag, digest, err := workload.ImageKey(ref)
	if err != nil {
		return image{}, err
	}
	return image{ref: ref, key: key, tag: tag, digest: digest}, nil
}

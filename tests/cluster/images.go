package cluster

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"strings"
)

// MirrorRef is where the local registry keeps ref: containerd asks a mirror for the
// repository path alone (docker.io/library/nginx:1.27 as /library/nginx:1.27).
func (n *Node) MirrorRef(ref string) string {
	_, path, _ := strings.Cut(Qualified(ref), "/")
	return n.Registry + "/" + path
}

// Qualified spells a reference as containerd records it: nginx:1.27 as
// docker.io/library/nginx:1.27.
func Qualified(ref string) string {
	first, _, found := strings.Cut(ref, "/")
	switch {
	case !found:
		return "docker.io/library/" + ref
	case !strings.ContainsAny(first, ".:") && first != "localhost":
		return "docker.io/" + ref
	}
	return ref
}

// PushImage pushes ref: the tar files layers on an empty base, for linux/amd64
// (containerd matches images by platform), configured by crane mutate's flags
// (--entrypoint, --cmd, --env, --user, ...).
func (n *Node) PushImage(ref string, layers []string, mutate ...string) error {
	target := n.MirrorRef(ref)
	args := []string{"append", "--new_tag", target}
	for _, layer := range layers {
		args = append(args, "--new_layer", layer)
	}
	if _, err := output(n.opts.Crane, args...); err != nil {
		return err
	}
	args = append([]string{"mutate", target, "--set-platform", "linux/amd64", "--tag", target}, mutate...)
	if _, err := output(n.opts.Crane, args...); err != nil {
		return fmt.Errorf("image %s: %w", ref, err)
	}
	return nil
}

// MutateImage pushes new content under ref, changed by crane mutate's flags, and
// returns its digest.
func (n *Node) MutateImage(ref string, mutate ...string) (string, error) {
	target := n.MirrorRef(ref)
	if _, err := output(n.opts.Crane, append([]string{"mutate", target, "--tag", target}, mutate...)...); err != nil {
		return "", err
	}
	digest, err := output(n.opts.Crane, "digest", target)
	return strings.TrimSpace(digest), err
}

// NodeImages are the images containerd holds for the kubelet: each reference with its
// digest.
func (n *Node) NodeImages() (map[string]string, error) {
	out, err := n.ctr("images", "ls")
	if err != nil {
		return nil, err
	}
	images := map[string]string{}
	for _, line := range strings.Split(out, "\n")[1:] {
		// REF TYPE DIGEST SIZE PLATFORMS LABELS
		if fields := strings.Fields(line); len(fields) > 2 && !strings.HasPrefix(fields[0], "sha256:") {
			images[fields[0]] = fields[2]
		}
	}
	return images, nil
}

// TarEntry is a file, directory or symbolic link of a layer.
type TarEntry struct {
	Name string
	// Source is the file to copy, Content the text of a file, Link the target of a
	// symbolic link; none makes a directory.
	Source, Content, Link string
	Mode                  int64
}

// WriteTar writes a layer of entries to path.
func WriteTar(path string, entries []TarEntry) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	w := tar.NewWriter(f)
	for _, e := range entries {
		if err := writeEntry(w, e); err != nil {
			return fmt.Errorf("%s: %w", e.Name, err)
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return f.Close()
}

func writeEntry(w *tar.Writer, e TarEntry) error {
	switch {
	case e.Link != "":
		return w.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: e.Name, Linkname: e.Link, Mode: 0o777})
	case e.Content != "":
		if err := w.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.Name, Size: int64(len(e.Content)), Mode: 0o644}); err != nil {
			return err
		}
		_, err := w.Write([]byte(e.Content))
		return err
	case e.Source == "":
		return w.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: e.Name + "/", Mode: e.Mode})
	}
	src, err := os.Open(e.Source)
	if err != nil {
		return err
	}
	defer src.Close()
	info, err := src.Stat()
	if err != nil {
		return err
	}
	mode := e.Mode
	if mode == 0 {
		mode = int64(info.Mode().Perm())
	}
	if err := w.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.Name, Size: info.Size(), Mode: mode}); err != nil {
		return err
	}
	_, err = io.Copy(w, src)
	return err
}

package prepulldaemonset

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// hashLen is the length of the hash that makes a container name unique.
const hashLen = 8

// containerNames names each image's container after its repository's last path element,
// tag and digest, as DNS labels. A name too long for a container, or shared by two
// images or with one of the taken names, ends in a hash of the image instead.
func containerNames(images []image, taken ...string) []string {
	names := make([]string, len(images))
	for i, img := range images {
		names[i] = readableName(img.ref)
	}
	// Two passes: a hashed name might equal another image's readable name.
	for range 2 {
		count := map[string]int{}
		for _, n := range slices.Concat(taken, names) {
			count[n]++
		}
		for i, n := range names {
			if count[n] > 1 || len(n) > validation.DNS1123LabelMaxLength {
				names[i] = hashedName(readableName(images[i].ref), images[i].key)
			}
		}
	}
	return names
}

// readableName is repository-tag-digest of a reference as written, e.g. nginx-1-27-3
// for docker.io/library/nginx:1.27.3; a digest contributes its first 12 hex digits.
func readableName(ref string) string {
	last := ref[strings.LastIndex(ref, "/")+1:]
	last, digest, _ := strings.Cut(last, "@")
	parts := strings.SplitN(last, ":", 2)
	if _, digits, ok := strings.Cut(digest, ":"); ok {
		parts = append(parts, digits[:min(12, len(digits))])
	}
	return dnsLabel(strings.Join(parts, "-"))
}

// dnsLabel lowercases s and turns every run of other characters than a-z and 0-9 into
// one '-', trimmed at both ends.
func dnsLabel(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "image"
	}
	return b.String()
}

// hashedName shortens name to leave room for a hash of the image key.
func hashedName(name, key string) string {
	sum := sha256.Sum256([]byte(key))
	name = strings.TrimRight(name[:min(len(name), validation.DNS1123LabelMaxLength-hashLen-1)], "-")
	return name + "-" + hex.EncodeToString(sum[:])[:hashLen]
}

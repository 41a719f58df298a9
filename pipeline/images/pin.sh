#!/usr/bin/env bash
# pin.sh RELEASE OUT (make pin) copies into OUT what names unbake's images, with every such
# name pinned to the image of RELEASE (a release.yaml of make release) by version and digest,
# name:version@sha256:…, the way kpt users pin function images:
#   - the examples' kpt packages, each Kptfile step `exec: <function>` made
#     `image: <function's image>` (what a kpt user without the binaries runs); as kpt
#     refuses a step image with both a tag and a digest, a step (any list item `- image:`)
#     is pinned as name@sha256:… # version;
#   - pipeline/argocd, the repo-server sidecar's unbake image;
#   - README.md and the functions' metadata.yaml, if any;
# and in all of them, every `image:` of an unbake image (any registry, …/unbake/<name>,
# any tag or digest). The sources are left as they are.
set -euo pipefail
cd "$(dirname "$0")/../.."
release=${1:?usage: pin.sh RELEASE OUT} out=${2:?usage: pin.sh RELEASE OUT}
[ -f "$release" ] || { echo "no $release: make release writes it" >&2; exit 1; }

# name<TAB>image of every image of the release.
images=$(awk '/^  - name: / { name = $3 } /^    image: / { print name "\t" $2 }' "$release")
[ -n "$images" ] || { echo "$release lists no images" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
for src in examples/*/package pipeline/argocd README.md functions/*/metadata.yaml; do
	[ -e "$src" ] || continue
	mkdir -p "$out/$(dirname "$src")"
	cp -R "$src" "$out/$src"
done

mapfile -t files < <(find "$out" -type f \( -name Kptfile -o -name '*.yaml' -o -name '*.yml' -o -name '*.md' \) | LC_ALL=C sort)
# A reference of an unbake image, with any registry, tag or digest, and a comment after it.
unbake_image='"?[^[:space:]"]*/unbake/NAME(:[^[:space:]@"]*)?(@sha256:[0-9a-f]{64})?"?([[:space:]]+#.*)?$'
while IFS=$'\t' read -r name image; do
	# kpt (1.0.0-beta.56) refuses a function image with both a tag and a digest: a Kptfile
	# step names the digest, and the version in a comment.
	tagged=${image%@*} digest=${image##*@}
	step="${tagged%:*}@$digest # ${tagged##*:}"
	pattern=${unbake_image//NAME/$name}
	# Kptfile steps `- exec: <name>`, and every list item `- image:` (a kpt step).
	find "$out" -type f -name Kptfile -exec sed -i -E \
		"s|^([[:space:]]*-[[:space:]]+)exec:[[:space:]]*$name([[:space:]]+#.*)?\$|\1image: $step|" {} +
	sed -i -E "s|^([[:space:]]*-[[:space:]]+image:[[:space:]]*)$pattern|\1$step|" "${files[@]}"
	# Every other image field: name:version@digest.
	sed -i -E "s|^([[:space:]]*image:[[:space:]]*)$pattern|\1$image\4|" "${files[@]}"
done <<<"$images"
echo "wrote $out: the examples' packages, pipeline/argocd and README.md with the images of $release" >&2

#!/usr/bin/env bash
# Builds a release (make release): the images of build.sh as OCI image indexes for every
# platform of the base, each with ko's SPDX SBOMs, pushed to $REGISTRY as
# $REGISTRY/<name>:$VERSION; static binaries of every program for linux and darwin on amd64
# and arm64 in $DIST; $DIST/release.yaml, every image with its digests, platforms and
# compressed sizes; and $DIST/SHA256SUMS of the binaries and release.yaml.
#
# Reproducible: every time comes from SOURCE_DATE_EPOCH (the commit's), paths are trimmed,
# and the base is made from fixed inputs, so the same commit gives the same digests and the
# same checksums (tests/e2e/release_test.go builds it twice and compares).
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${BIN:?}" "${KO:?}" "${CRANE:?}" "${VERSION:?}" "${COMMIT:?}" "${SOURCE:?}" "${REGISTRY:?}" "${DIST:?}" \
	"${SOURCE_DATE_EPOCH:?}" "${LDFLAGS:?}"
. pipeline/images/lib.sh
export SOURCE_DATE_EPOCH CGO_ENABLED=0

[[ $VERSION =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] ||
	{ echo "VERSION=$VERSION is not a semantic version such as v1.2.3 or v1.2.3-rc.1" >&2; exit 2; }
# BINARY_PLATFORMS are the platforms of dist/'s binaries.
BINARY_PLATFORMS=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64)

work=$(mktemp -d)
cleanup() {
	stop_base_registry
	rm -rf "$work"
}
trap cleanup EXIT
rm -rf "$DIST"
mkdir -p "$DIST"

# ko writes the base's name, port included, into every manifest: a fixed port keeps the
# digests the same from one build to the next.
start_base_registry "$work" "${BASE_PORT:-39751}" ||
	{ echo "cannot serve the base image on 127.0.0.1:${BASE_PORT:-39751} (another release running? BASE_PORT=…)" >&2; exit 1; }
make_base "$work"
functions "$work" >"$work/images"

# sbom REPO DIGEST is the reference of the SBOM ko attached to REPO@DIGEST, by digest.
sbom() {
	local tag=$1:${2/:/-}.sbom
	echo "$tag@$("$CRANE" digest "$tag")"
}

platforms=$(IFS=,; echo "${PLATFORMS[*]}")
{
	echo "# unbake $VERSION, written by make release: every image with the digest of its index and,"
	echo "# per platform, of its manifest, with the compressed size of its layers."
	echo "version: $VERSION"
	echo "commit: $COMMIT"
	echo "images:"
} >"$DIST/release.yaml"
while IFS=$'\t' read -r name description pkg; do
	echo "building $REGISTRY/$name:$VERSION ($platforms)" >&2
	KO_DOCKER_REPO=$REGISTRY ko_build "$name" "$pkg" "$description" \
		--platform "$platforms" --tags "$VERSION" --sbom spdx \
		--image-annotation "org.opencontainers.image.source=$SOURCE" \
		--image-annotation "org.opencontainers.image.version=$VERSION" \
		--image-annotation "org.opencontainers.image.revision=$COMMIT" \
		>"$work/$name.ref" 2>"$work/ko.log" || { cat "$work/ko.log" >&2; exit 1; }
	# ko prints the index's reference.
	digest=$(sed -n 's/.*@\(sha256:[0-9a-f]*\)$/\1/p' "$work/$name.ref")
	[ -n "$digest" ] || { echo "ko printed no digest for $name: $(cat "$work/$name.ref")" >&2; exit 1; }
	repo=$REGISTRY/$name
	{
		echo "  - name: $name"
		echo "    image: $repo:$VERSION@$digest"
		echo "    digest: $digest"
		echo "    sbom: $(sbom "$repo" "$digest")"
		echo "    platforms:"
	} >>"$DIST/release.yaml"
	for platform in "${PLATFORMS[@]}"; do
		manifest=$("$CRANE" digest --platform "$platform" "$repo@$digest")
		# The layers' sizes: the "size" fields after "layers" in the manifest.
		size=$("$CRANE" manifest "$repo@$manifest" | sed 's/.*"layers"//' | grep -o '"size": *[0-9]*' |
			awk -F: '{ size += $2 } END { print size }')
		{
			echo "      - platform: $platform"
			echo "        digest: $manifest"
			echo "        compressedSize: $size"
			echo "        sbom: $(sbom "$repo" "$manifest")"
		} >>"$DIST/release.yaml"
		awk -v n="$name" -v p="$platform" -v s="$size" 'BEGIN { printf "%-24s %-12s %6.2f MiB compressed\n", n, p, s / 1048576 }' >&2
	done
done <"$work/images"

# The program of every image, and unbake-convert, for every platform, as
# dist/<name>-<os>-<arch>, built with
# the flags ko.yaml gives ko: dist/<name>-linux-<arch> is the image's /ko-app/<name>.
# unbake-convert has no image (it is no KRM function), but `unbake convert` runs it from
# beside unbake, so it ships with the binaries.
packages="$(cut -f3 "$work/images" | sed 's|^|./|') ./convert/unbake-convert"
for platform in "${BINARY_PLATFORMS[@]}"; do
	echo "building binaries for $platform" >&2
	out=$work/bin/$platform
	mkdir -p "$out"
	# shellcheck disable=SC2086 # one package a word
	GOOS=${platform%/*} GOARCH=${platform#*/} go build -trimpath -ldflags "$LDFLAGS" -o "$out/" $packages
	for binary in "$out"/*; do
		mv "$binary" "$DIST/$(basename "$binary")-${platform%/*}-${platform#*/}"
	done
done
(cd "$DIST" && find . -maxdepth 1 -type f ! -name SHA256SUMS -printf '%f\n' | LC_ALL=C sort | xargs sha256sum >SHA256SUMS)
echo "wrote $DIST: $(ls "$DIST" | wc -l) files; images in $DIST/release.yaml" >&2

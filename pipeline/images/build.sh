#!/usr/bin/env bash
# Builds one image per function, plus the multi-call unbake image, with ko on a base made
# here, for this machine's platform, loads them into podman as $IMAGE_REPO/<name>:$IMAGE_TAG,
# and prints their compressed sizes. Run by `make images`, which sets the variables below.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${BIN:?}" "${KO:?}" "${CRANE:?}" "${IMAGE_REPO:?}" "${IMAGE_TAG:?}" "${VERSION:?}" "${COMMIT:?}" "${SOURCE:?}"
. pipeline/images/lib.sh

work=$(mktemp -d)
cleanup() {
	stop_base_registry
	rm -rf "$work"
}
trap cleanup EXIT

start_base_registry "$work"
make_base "$work"

# image NAME PACKAGE DESCRIPTION builds and loads one image.
image() {
	local name=$1 pkg=$2 description=$3
	KO_DOCKER_REPO=$IMAGE_REPO ko_build "$name" "$pkg" "$description" \
		--platform "linux/$(go env GOARCH)" --tags "$IMAGE_TAG" --push=false --sbom none \
		--tarball "$work/$name.tar" >/dev/null 2>"$work/ko.log" || { cat "$work/ko.log" >&2; exit 1; }
	local ref=$IMAGE_REPO/$name:$IMAGE_TAG previous
	previous=$(podman image inspect --format '{{.Id}}' "$ref" 2>/dev/null || true)
	podman load -q -i "$work/$name.tar" >/dev/null
	# The image the tag leaves behind would pile up with every build.
	if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect --format '{{.Id}}' "$ref")" ]; then
		podman rmi "$previous" >/dev/null 2>&1 || true
	fi
	# What a pull downloads: the gzipped layers.
	tar -tvf "$work/$name.tar" | awk -v image="$ref" \
		'$NF ~ /\.tar\.gz$/ { size += $3 } END { printf "%-48s %6.1f MiB compressed\n", image, size / 1048576 }'
}

functions "$work" >"$work/images"
while IFS=$'\t' read -r name description pkg; do
	image "$name" "$pkg" "$description"
done <"$work/images"

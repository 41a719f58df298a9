#!/usr/bin/env bash
# Builds one image per function, plus the multi-call unbake image, with ko on a base made
# here, loads them into podman as $IMAGE_REPO/<name>:$IMAGE_TAG, and prints their
# compressed sizes. Run by `make images`, which sets the variables below.
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${BIN:?}" "${KO:?}" "${CRANE:?}" "${IMAGE_REPO:?}" "${IMAGE_TAG:?}" "${VERSION:?}" "${SOURCE:?}"

work=$(mktemp -d)
registry=
cleanup() {
	if [ -n "$registry" ]; then kill "$registry" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

# ko reads its base image from a registry: serve one on a free loopback port.
"$CRANE" registry serve --address 127.0.0.1:0 2>"$work/registry.log" &
registry=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/registry.log")
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || { cat "$work/registry.log" >&2; exit 1; }
base=127.0.0.1:$port/unbake/base

# The base holds no files but /etc/passwd and /etc/group, where `--user nobody` (kpt and
# kustomize run functions so) finds uid and gid 65534, and the working directory /work,
# where a mounted package is read from (ScriptsToConfigMap path:). It runs as nobody too.
mkdir -p "$work/rootfs/work"
cp -R pipeline/images/base/etc "$work/rootfs/"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/base.tar" etc work
"$CRANE" append --oci-empty-base -f "$work/base.tar" -t "$base" >/dev/null 2>"$work/crane.log" ||
	{ cat "$work/crane.log" >&2; exit 1; }
"$CRANE" mutate --user 65534:65534 --workdir /work --set-platform "linux/$(go env GOARCH)" -t "$base" "$base" \
	>/dev/null 2>"$work/crane.log" || { cat "$work/crane.log" >&2; exit 1; }

# image NAME PACKAGE DESCRIPTION builds and loads one image.
image() {
	local name=$1 pkg=$2 description=$3
	# ko splits flag values at commas unless quoted as CSV.
	KO_DOCKER_REPO=$IMAGE_REPO KO_DEFAULTBASEIMAGE=$base KO_CONFIG_PATH=pipeline/images/ko.yaml \
		"$KO" build "./$pkg" --base-import-paths --tags "$IMAGE_TAG" --push=false --sbom none \
		--tarball "$work/$name.tar" \
		--image-label "org.opencontainers.image.title=$name" \
		--image-label "\"org.opencontainers.image.description=${description//\"/\"\"}\"" \
		--image-label "org.opencontainers.image.source=$SOURCE" \
		--image-label "org.opencontainers.image.version=$VERSION" \
		>/dev/null 2>"$work/ko.log" || { cat "$work/ko.log" >&2; exit 1; }
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

# Every function, from the listing of the multi-call binary: name, kind, summary.
"$BIN/unbake" --help | awk '/^Functions:/ { listed = 1; next } listed && NF && $1 != "run" {
	name = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); print name "\t" $0 }' >"$work/functions"
[ -s "$work/functions" ] || { echo "no functions listed by $BIN/unbake --help" >&2; exit 1; }
while IFS=$'\t' read -r name summary; do
	pkg=$(dirname functions/*/"$name"/main.go)
	image "$name" "$pkg" "unbake $name: $summary"
done <"$work/functions"
image unbake pipeline/unbake "unbake: every unbake function in one binary; given no arguments, it runs the function of the functionConfig's kind, a Pipeline's steps included"

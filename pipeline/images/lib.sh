# Shared by build.sh (make images) and release.sh (make release); sourced, not run.
# The caller sets CRANE, KO, BIN and SOURCE, and a trap that calls stop_base_registry.

# PLATFORMS are the platforms of the base image, and so the most ko can build for.
PLATFORMS=(linux/amd64 linux/arm64)

base_registry=

# start_base_registry WORK [PORT] serves a registry on loopback, on PORT or a free port,
# where ko reads the base image from, and sets base to the base image's reference there.
start_base_registry() {
	local work=$1 port=
	"$CRANE" registry serve --address "127.0.0.1:${2:-0}" 2>"$work/registry.log" &
	base_registry=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/.*serving on port \([0-9]*\).*/\1/p' "$work/registry.log")
		[ -n "$port" ] && break
		sleep 0.1
	done
	[ -n "$port" ] || { kill "$base_registry" 2>/dev/null; cat "$work/registry.log" >&2; return 1; }
	base=127.0.0.1:$port/unbake/base
}

stop_base_registry() {
	if [ -n "$base_registry" ]; then kill "$base_registry" 2>/dev/null || true; fi
}

# quiet runs a command, showing its output only when it fails.
quiet() {
	local log
	log=$(mktemp)
	"$@" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; return 1; }
	rm -f "$log"
}

# make_base WORK pushes the base image, an index of PLATFORMS, to $base.
# It holds no files but /etc/passwd and /etc/group, where `--user nobody` (kpt and
# kustomize run functions so) finds uid and gid 65534, and the working directory /work,
# where a mounted package is read from (ScriptsToConfigMap path:). It runs as nobody too.
# Every input is fixed (file times, owners, no creation time), so its digest is too.
make_base() {
	local work=$1 platform refs=()
	mkdir -p "$work/rootfs/work"
	cp -R pipeline/images/base/etc "$work/rootfs/"
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$work/rootfs" -cf "$work/base.tar" etc work
	for platform in "${PLATFORMS[@]}"; do
		local ref=$base:${platform//\//-}
		quiet "$CRANE" append --oci-empty-base -f "$work/base.tar" -t "$ref"
		quiet "$CRANE" mutate --user 65534:65534 --workdir /work --set-platform "$platform" -t "$ref" "$ref"
		refs+=(-m "$ref")
	done
	quiet "$CRANE" index append "${refs[@]}" -t "$base"
}

# functions WORK prints every function from the listing of the multi-call binary, as
# name<TAB>summary<TAB>package, then the unbake image's line.
functions() {
	local work=$1
	"$BIN/unbake" --help | awk '/^Functions:/ { listed = 1; next } listed && NF && $1 != "run" {
		name = $1; $1 = ""; $2 = ""; sub(/^ +/, ""); print name "\t" $0 }' >"$work/functions"
	[ -s "$work/functions" ] || { echo "no functions listed by $BIN/unbake --help" >&2; return 1; }
	local name summary
	while IFS=$'\t' read -r name summary; do
		printf '%s\tunbake %s: %s\t%s\n' "$name" "$name" "$summary" "$(dirname functions/*/"$name"/main.go)"
	done <"$work/functions"
	printf 'unbake\tunbake: every unbake function in one binary; given no arguments, it runs the function of the functionConfig'"'"'s kind, a Pipeline'"'"'s steps included\tpipeline/unbake\n'
}

# ko_build NAME PACKAGE DESCRIPTION KO-ARGS... builds one image with ko, named
# $KO_DOCKER_REPO/NAME, with the OCI labels and the version stamped into the binary
# (ko.yaml reads UNBAKE_VERSION and UNBAKE_COMMIT).
ko_build() {
	local name=$1 pkg=$2 description=$3
	shift 3
	# ko splits flag values at commas unless quoted as CSV.
	KO_DEFAULTBASEIMAGE=$base KO_CONFIG_PATH=pipeline/images/ko.yaml UNBAKE_VERSION=$VERSION UNBAKE_COMMIT=$COMMIT \
		"$KO" build "./$pkg" --base-import-paths \
		--image-label "org.opencontainers.image.title=$name" \
		--image-label "\"org.opencontainers.image.description=${description//\"/\"\"}\"" \
		--image-label "org.opencontainers.image.source=$SOURCE" \
		--image-label "org.opencontainers.image.version=$VERSION" \
		--image-label "org.opencontainers.image.revision=$COMMIT" \
		--image-label "org.opencontainers.image.licenses=Apache-2.0" \
		"$@"
}

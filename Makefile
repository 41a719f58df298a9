# unbake: build, test, demo. `make test` installs the tools it needs into .tools/.
SHELL := /bin/bash
export GOTOOLCHAIN := local
export GOFLAGS := -buildvcs=false

ROOT      := $(CURDIR)
BIN       := $(ROOT)/bin
TOOLS     := $(ROOT)/.tools/bin
KUSTOMIZE := $(TOOLS)/kustomize
KPT       ?= /usr/bin/kpt
KUSTOMIZE_VERSION := v5.8.2
KUBECTL   ?= /usr/bin/kubectl
# The acceptance tests' API server; the version is in the file names so a change rebuilds.
K8S_VERSION    := v1.33.13
KUBE_APISERVER := $(TOOLS)/kube-apiserver-$(K8S_VERSION)
ETCD           := $(TOOLS)/etcd-$(K8S_VERSION)
# The node tests' kubelet, controller-manager, scheduler and kube-proxy, in one directory.
NODE_BIN       := $(TOOLS)/node-$(K8S_VERSION)
NODE_PROGRAMS  := kubelet kube-controller-manager kube-scheduler kube-proxy
# The nginx and python stand-ins' root file systems, made by mmdebstrap from Debian's
# packages (about a minute each).
NGINX_ROOTFS   := $(ROOT)/.tools/images/nginx-rootfs-bookworm.tar
PYTHON_ROOTFS  := $(ROOT)/.tools/images/python-rootfs-bookworm.tar
# The wheels of the node's package index, the stand-in for PyPI, packed from Debian's.
WHEELS         := $(ROOT)/.tools/images/wheels
# The kaniko executor, built from the source in shared/third_party (see its README).
KANIKO_VERSION  := 1.28.3
KANIKO_SRC      := $(ROOT)/../shared/third_party/kaniko-$(KANIKO_VERSION)-src.tar.xz
KANIKO_EXECUTOR := $(TOOLS)/kaniko-executor-v$(KANIKO_VERSION)
K8S_LDFLAGS    := -s -w -X k8s.io/component-base/version.gitVersion=$(K8S_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=33

# Container images: ko and crane (its local registry serves ko the base image), podman.
KO            := $(TOOLS)/ko
KO_VERSION    := v0.19.1
CRANE         := $(TOOLS)/crane
CRANE_VERSION := v0.22.1
IMAGE_REPO    ?= localhost/unbake
IMAGE_TAG     ?= dev
SOURCE        := https://github.com/unbake/unbake

# The version: the file VERSION names the next release (RELEASING.md). make release stamps
# it as it is; make build and make images stamp it with -dev. The commit, -dirty when
# tracked files differ from it, and its time, which makes release builds reproducible.
FILE_VERSION      := $(shell cat $(ROOT)/VERSION)
VERSION           ?= $(FILE_VERSION)
# (:= in ifndef: read once, not at every use.)
ifndef COMMIT
COMMIT            := $(shell git rev-parse HEAD 2>/dev/null || echo unknown)$(shell git status --porcelain --untracked-files=no 2>/dev/null | grep -q . && echo -dirty)
endif
ifndef SOURCE_DATE_EPOCH
SOURCE_DATE_EPOCH := $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
endif
# The same flags as pipeline/images/ko.yaml gives ko.
version_ldflags    = -s -w -X=github.com/unbake/unbake/version.Version=$(1) -X=github.com/unbake/unbake/version.Commit=$(COMMIT)
# Where make release pushes the images and writes the binaries, checksums and release.yaml.
REGISTRY ?= ghcr.io/unbake
DIST     ?= $(ROOT)/dist
# kustomize's legacy exec plugins, for kubectl kustomize (KUSTOMIZE_PLUGIN_HOME).
PLUGIN_HOME   := $(ROOT)/.tools/plugins
# Argo CD's plugin server, built in its own module (tests/argocd) at the version its go.mod
# requires; the version is in the file name so a change rebuilds.
ARGOCD_VERSION    := $(shell awk '$$1 == "github.com/argoproj/argo-cd/v3" { print $$2; exit }' tests/argocd/go.mod)
ARGOCD_CMP_SERVER := $(TOOLS)/argocd-cmp-server-$(ARGOCD_VERSION)

export PATH := $(BIN):$(TOOLS):$(PATH)

.PHONY: all build release release-test pin qemu test unit e2e e2e-containers e2e-argocd acceptance node node-deps nginx podman images plugins demo demo-convert fuzz golden-update bench bench-tools bench-check fmt vet tools clean

all: build

build:
	@mkdir -p $(BIN)
	go build -trimpath -ldflags "$(call version_ldflags,$(VERSION)-dev)" -o $(BIN)/ ./functions/... ./pipeline/... ./convert/...

tools: $(KUSTOMIZE)

$(KUSTOMIZE):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# Everything: unit and golden tests, the end-to-end tests against the real tools, the
# acceptance tests against a real API server (its first build takes 10-20 minutes), and
# the examples run as pods on a real node.
test: vet unit e2e e2e-containers release-test e2e-argocd acceptance node

# The golden suites run twice more: through yaml.v3 alone (the codec's fast paths off),
# and in the checked build, which fails on a tree edited after its Each visit or an item
# ItemsWith's search string misses.
unit:
	go test ./...
	UNBAKE_CODEC=yaml.v3 go test -count=1 ./functions/... ./pipeline/...
	go test -tags unbakecheck ./functions/... ./pipeline/...

e2e: build tools
	UNBAKE_BIN=$(BIN) KUSTOMIZE=$(KUSTOMIZE) KPT=$(KPT) go test -count=1 -tags e2e ./tests/...

# Links bin/unbake as kustomize's legacy exec plugin of every config kind, so that
# KUSTOMIZE_PLUGIN_HOME=$(PLUGIN_HOME) kubectl kustomize --enable-alpha-plugins runs them.
plugins: build
	$(BIN)/unbake install-plugins $(PLUGIN_HOME)

$(KO):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install github.com/google/ko@$(KO_VERSION)

$(CRANE):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install github.com/google/go-containerregistry/cmd/crane@$(CRANE_VERSION)

# Debian's podman runs the images (no Docker engine), with runc and the settings in
# pipeline/images/containers.conf.
podman:
	@command -v podman >/dev/null && command -v runc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman runc >/dev/null; }

images e2e-containers: export CONTAINERS_CONF := $(ROOT)/pipeline/images/containers.conf

# One image per function and the multi-call unbake image, loaded into podman as
# $(IMAGE_REPO)/<name>:$(IMAGE_TAG); prints their compressed sizes.
images: build $(KO) $(CRANE) podman
	BIN=$(BIN) KO=$(KO) CRANE=$(CRANE) IMAGE_REPO=$(IMAGE_REPO) IMAGE_TAG=$(IMAGE_TAG) \
		VERSION=$(VERSION)-dev COMMIT=$(COMMIT) SOURCE=$(SOURCE) pipeline/images/build.sh

# A release of VERSION (the file's, or a pre-release of it such as v0.1.0-rc.1): the images
# for linux/amd64 and linux/arm64 with SBOMs pushed to REGISTRY, and DIST/ with the binaries
# for linux and darwin on amd64 and arm64, SHA256SUMS and release.yaml (RELEASING.md). A
# tree with uncommitted changes is refused unless DIRTY_OK=1.
release: build $(KO) $(CRANE)
	@case "$(VERSION)" in $(FILE_VERSION)|$(FILE_VERSION)-*) ;; \
	  *) echo "VERSION=$(VERSION) is not the VERSION file's $(FILE_VERSION) (or a pre-release of it): edit VERSION and commit" >&2; exit 2;; esac
	@case "$(COMMIT)" in *-dirty) test "$(DIRTY_OK)" = 1 || { echo "the tree has uncommitted changes: commit them (or DIRTY_OK=1)" >&2; exit 2; };; esac
	BIN=$(BIN) KO=$(KO) CRANE=$(CRANE) VERSION=$(VERSION) COMMIT=$(COMMIT) SOURCE=$(SOURCE) \
		SOURCE_DATE_EPOCH=$(SOURCE_DATE_EPOCH) LDFLAGS="$(call version_ldflags,$(VERSION))" \
		REGISTRY=$(REGISTRY) DIST=$(DIST) pipeline/images/release.sh

# The examples' packages, pipeline/argocd and README.md, copied into PINNED with every unbake
# image pinned to RELEASE's, name:version@sha256:… (pipeline/images/pin.sh).
RELEASE ?= $(DIST)/release.yaml
PINNED  ?= $(DIST)/pinned
pin:
	pipeline/images/pin.sh $(RELEASE) $(PINNED)

# Debian's qemu-user-static runs linux/arm64 programs here; registered with binfmt_misc
# (mounted first if need be), it lets podman run linux/arm64 images too. Where the kernel
# refuses, release-test still runs the arm64 binaries through qemu-aarch64-static, and says
# that it did not run the images.
qemu:
	@command -v qemu-aarch64-static >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >/dev/null; }
	@test -e /proc/sys/fs/binfmt_misc/register || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
	@test -e /proc/sys/fs/binfmt_misc/qemu-aarch64 || cat /usr/lib/binfmt.d/qemu-aarch64.conf >/proc/sys/fs/binfmt_misc/register 2>/dev/null || \
	  echo "binfmt_misc: cannot register qemu-aarch64: the linux/arm64 images will not be run" >&2

# make release against a registry on loopback, twice (the same digests and checksums), its
# images, binaries and make pin checked, and the linux/arm64 binaries and images run on
# every example (tests/e2e/release_test.go).
release-test: export CONTAINERS_CONF := $(ROOT)/pipeline/images/containers.conf
release-test: build tools $(KO) $(CRANE) podman qemu
	UNBAKE_BIN=$(BIN) KUSTOMIZE=$(KUSTOMIZE) KPT=$(KPT) CRANE=$(CRANE) \
		go test -count=1 -timeout 30m -tags 'e2e containers release' -run '^TestRelease' ./tests/e2e

# The examples rendered by the images through kpt and kustomize, under podman.
e2e-containers: build tools images
	UNBAKE_BIN=$(BIN) KUSTOMIZE=$(KUSTOMIZE) KPT=$(KPT) UNBAKE_IMAGE_REPO=$(IMAGE_REPO) UNBAKE_IMAGE_TAG=$(IMAGE_TAG) \
		go test -count=1 -tags 'e2e containers' -run '^TestContainers' ./tests/e2e

# argocd-cmp-server from the module proxy; its first build takes several minutes. No
# -trimpath: the test binary, built without it, then reuses every compiled package.
$(ARGOCD_CMP_SERVER):
	@mkdir -p $(TOOLS)
	cd tests/argocd && go build -ldflags "-s -w" -o $@ ./cmd/argocd-cmp-server

# The examples rendered through unbake's Argo CD plugin (pipeline/argocd) by the real
# argocd-cmp-server, called as the repo-server calls it; the repo-server sidecar patch
# built on the real install manifest.
e2e-argocd: build tools $(ARGOCD_CMP_SERVER)
	cd tests/argocd && UNBAKE_BIN=$(BIN) KUSTOMIZE=$(KUSTOMIZE) ARGOCD_CMP_SERVER=$(ARGOCD_CMP_SERVER) go test -count=1 ./...

# kube-apiserver and etcd, built from the module proxy in their own module (tests/cluster).
$(KUBE_APISERVER):
	@mkdir -p $(TOOLS)
	cd tests/cluster && go build -trimpath -ldflags "$(K8S_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kube-apiserver

$(ETCD):
	@mkdir -p $(TOOLS)
	cd tests/cluster && go build -trimpath -ldflags "-s -w" -o $@ go.etcd.io/etcd/server/v3

# Debian's nginx runs the TensorBoard example's rendered auth config in the acceptance tests.
nginx:
	@command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

acceptance: $(KUBE_APISERVER) $(ETCD) nginx
	cd tests/cluster && KUBE_APISERVER=$(KUBE_APISERVER) ETCD=$(ETCD) KUBECTL=$(KUBECTL) go test -count=1 ./apiserver/...

# The node's programs, built beside kube-apiserver in tests/cluster (its packages are
# cached by then: about 2 minutes on 2 cores).
$(NODE_BIN)/kubelet:
	@mkdir -p $(NODE_BIN)
	cd tests/cluster && go build -trimpath -ldflags "$(K8S_LDFLAGS)" -o $(NODE_BIN)/ $(addprefix k8s.io/kubernetes/cmd/,$(NODE_PROGRAMS))

# kubectl, static, for the stand-in of registry.k8s.io/kubectl.
$(NODE_BIN)/kubectl:
	@mkdir -p $(NODE_BIN)
	cd tests/cluster && CGO_ENABLED=0 go build -trimpath -ldflags "$(K8S_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kubectl

# What a node needs from Debian: containerd, runc and the CNI plugins, the conntrack tool
# kube-proxy calls, mmdebstrap and busybox-static for stand-in images, and the
# distribution registry with htpasswd for the registry kaniko pushes to.
node-deps:
	@command -v containerd >/dev/null && command -v mmdebstrap >/dev/null && command -v conntrack >/dev/null && test -x /bin/busybox && test -x /usr/lib/cni/bridge \
	  && command -v docker-registry >/dev/null && command -v htpasswd >/dev/null || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq containerd runc containernetworking-plugins conntrack mmdebstrap busybox-static \
	    docker-registry apache2-utils >/dev/null; }

$(NGINX_ROOTFS): tests/cluster/node/standins/nginx-rootfs.sh | node-deps
	@mkdir -p $(dir $@)
	$< $@.tmp && mv $@.tmp $@

$(PYTHON_ROOTFS): tests/cluster/node/standins/python-rootfs.sh | node-deps
	@mkdir -p $(dir $@)
	$< $@.tmp && mv $@.tmp $@

$(WHEELS)/.done: tests/cluster/node/standins/wheels.sh tests/cluster/node/standins/wheels.py tests/cluster/node/standins/wheels.txt | node-deps
	rm -rf $(WHEELS)
	$< $(WHEELS) && touch $@

# About 1.5 minutes on 2 cores, offline: the source carries vendor/.
$(KANIKO_EXECUTOR): $(KANIKO_SRC)
	cd $(dir $<) && sha256sum --check --quiet $(notdir $<).sha256
	rm -rf $(ROOT)/.tools/src/kaniko-$(KANIKO_VERSION) && mkdir -p $(ROOT)/.tools/src $(TOOLS)
	tar -xJf $< -C $(ROOT)/.tools/src
	cd $(ROOT)/.tools/src/kaniko-$(KANIKO_VERSION) && GOFLAGS=-mod=vendor CGO_ENABLED=0 \
		go build -trimpath -ldflags "-s -w" -o $@ ./cmd/executor

# The examples run as pods on a single node started by the tests (tests/cluster/node).
node: build tools $(KUBE_APISERVER) $(ETCD) $(NODE_BIN)/kubelet $(NODE_BIN)/kubectl $(NGINX_ROOTFS) $(PYTHON_ROOTFS) \
		$(WHEELS)/.done $(KANIKO_EXECUTOR) $(CRANE) node-deps
	cd tests/cluster && KUBE_APISERVER=$(KUBE_APISERVER) ETCD=$(ETCD) NODE_BIN=$(NODE_BIN) KUBECTL=$(KUBECTL) \
		CRANE=$(CRANE) NGINX_ROOTFS=$(NGINX_ROOTFS) PYTHON_ROOTFS=$(PYTHON_ROOTFS) WHEELS=$(WHEELS) \
		KANIKO_EXECUTOR=$(KANIKO_EXECUTOR) KUSTOMIZE=$(KUSTOMIZE) UNBAKE_BIN=$(BIN) \
		go test -count=1 -timeout 20m ./node/...

# Renders the TensorBoard basic-auth example with kustomize and prints it.
demo: build tools
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/tensorboard-basic-auth/kustomize

# Converts the TensorBoard Dockerfile of convert/testdata (nginx, htpasswd and a start script
# baked into tensorflow/tensorflow) into a package in a temporary directory and prints its
# CONVERSION.md and Kptfile.
demo-convert: build
	@out=$$(mktemp -d)/tensorboard; \
	  $(BIN)/unbake convert --context convert/testdata/tensorboard/in --name tensorboard -o $$out; \
	  echo; cat $$out/CONVERSION.md; echo; echo "== $$out/Kptfile"; cat $$out/Kptfile; rm -rf $$(dirname $$out)

# Runs every fuzz target for FUZZTIME each (make test runs them on their seed corpus only).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(go list ./functions/... ./pipeline/... ./convert/...); do \
	  for target in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; go test $$pkg -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

golden-update:
	UNBAKE_UPDATE_GOLDEN=1 go test ./functions/... ./convert/...

# Wall time and peak RSS of each function against a no-op kyaml function, as ratios, and
# the goals of issue #10 (BENCHMARKS.md): ROUNDS alternating runs per measurement (the
# median counts), on generated lists of BENCH_SIZES items; the comparison with kpt fn
# render on KPT_ITEMS. make bench prints the goals; make bench-check also fails on one missed.
ROUNDS      ?= 5
BENCH_SIZES ?= 100,1000,10000
KPT_ITEMS   ?= 1000
BENCH_RUN   := $(BIN)/bench/runner -bin $(BIN) -noop $(BIN)/bench/noop -kpt $(KPT) \
	-rounds $(ROUNDS) -sizes $(BENCH_SIZES) -kpt-items $(KPT_ITEMS)

bench-tools: build
	go build -trimpath -ldflags "-s -w" -o $(BIN)/bench/ ./tests/bench/noop ./tests/bench/runner

bench: bench-tools
	$(BENCH_RUN)

bench-check: bench-tools
	$(BENCH_RUN) -check

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: run make fmt"; exit 1; }
	go vet ./...

clean:
	rm -rf $(BIN) $(ROOT)/.tools

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
K8S_LDFLAGS    := -s -w -X k8s.io/component-base/version.gitVersion=$(K8S_VERSION) \
	-X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=33

export PATH := $(BIN):$(TOOLS):$(PATH)

.PHONY: all build test unit e2e acceptance nginx demo fuzz golden-update bench fmt vet tools clean

all: build

build:
	@mkdir -p $(BIN)
	go build -trimpath -ldflags "-s -w" -o $(BIN)/ ./functions/... ./pipeline/...

tools: $(KUSTOMIZE)

$(KUSTOMIZE):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# Everything: unit and golden tests, the end-to-end tests against the real tools, and
# the acceptance tests against a real API server (its first build takes 10-20 minutes).
test: vet unit e2e acceptance

unit:
	go test ./...

e2e: build tools
	UNBAKE_BIN=$(BIN) KUSTOMIZE=$(KUSTOMIZE) KPT=$(KPT) go test -count=1 -tags e2e ./tests/...

# kube-apiserver and etcd, built from the module proxy in their own module (tests/apiserver).
$(KUBE_APISERVER):
	@mkdir -p $(TOOLS)
	cd tests/apiserver && go build -trimpath -ldflags "$(K8S_LDFLAGS)" -o $@ k8s.io/kubernetes/cmd/kube-apiserver

$(ETCD):
	@mkdir -p $(TOOLS)
	cd tests/apiserver && go build -trimpath -ldflags "-s -w" -o $@ go.etcd.io/etcd/server/v3

# Debian's nginx runs the TensorBoard example's rendered auth config in the acceptance tests.
nginx:
	@command -v nginx >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null; }

acceptance: $(KUBE_APISERVER) $(ETCD) nginx
	cd tests/apiserver && KUBE_APISERVER=$(KUBE_APISERVER) ETCD=$(ETCD) KUBECTL=$(KUBECTL) go test -count=1 ./...

# Renders the TensorBoard basic-auth example with kustomize and prints it.
demo: build tools
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/tensorboard-basic-auth/kustomize

# Runs every fuzz target for FUZZTIME each (make test runs them on their seed corpus only).
FUZZTIME ?= 30s
fuzz:
	@for pkg in $$(go list ./functions/...); do \
	  for target in $$(go test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; go test $$pkg -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

golden-update:
	UNBAKE_UPDATE_GOLDEN=1 go test ./functions/...

# Wall time and peak RSS of each function against a no-op kyaml function, as ratios.
bench: build
	UNBAKE_BIN=$(BIN) bash tests/bench/run.sh

fmt:
	gofmt -w $$(git ls-files '*.go')

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: run make fmt"; exit 1; }
	go vet ./...

clean:
	rm -rf $(BIN) $(ROOT)/.tools

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

export PATH := $(BIN):$(TOOLS):$(PATH)

.PHONY: all build test unit e2e demo golden-update bench fmt vet tools clean

all: build

build:
	@mkdir -p $(BIN)
	go build -trimpath -ldflags "-s -w" -o $(BIN)/ ./functions/... ./pipeline/...

tools: $(KUSTOMIZE)

$(KUSTOMIZE):
	@mkdir -p $(TOOLS)
	GOBIN=$(TOOLS) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

# Everything: unit and golden tests, then the end-to-end tests against the real tools.
test: vet unit e2e

unit:
	go test ./...

e2e: build tools
	UNBAKE_BIN=$(BIN) KUSTOMIZE=$(KUSTOMIZE) KPT=$(KPT) go test -count=1 -tags e2e ./tests/...

# Renders the TensorBoard basic-auth example with kustomize and prints it.
demo: build tools
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/tensorboard-basic-auth/kustomize

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

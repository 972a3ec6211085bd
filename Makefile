# The two commands of the README: `make demo` and `make test`.
SWIFT ?= swift
YOI := .build/debug/yoi

.PHONY: setup build demo test format release bench fuzz clean

setup:
	@bash scripts/install-deps.sh

build: setup
	$(SWIFT) build --product yoi

# Sets everything up and runs yoi's main job on the builtin default: resolve the default
# profile into a manifest, store a Pod with its snapshot, and resume it from the snapshot.
# Uses a throwaway data directory so it never touches ~/.yoi.
DEMO := $(CURDIR)/.build/demo
demo: build
	@rm -rf $(DEMO) && mkdir -p $(DEMO)/config $(DEMO)/data $(DEMO)/workspace
	$(YOI) --version
	YOI_CONFIG_DIR=$(DEMO)/config YOI_DATA_DIR=$(DEMO)/data $(YOI) profile show default --workspace $(DEMO)/workspace
	YOI_CONFIG_DIR=$(DEMO)/config YOI_DATA_DIR=$(DEMO)/data $(YOI) pod spawn --workspace $(DEMO)/workspace --name demo
	YOI_CONFIG_DIR=$(DEMO)/config YOI_DATA_DIR=$(DEMO)/data $(YOI) pod resume demo

# The whole test suite (unit, sandbox, end to end through the built binary), after checking the
# tree is formatted as .swift-format says (`make format` applies it).
test: build
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests Package.swift
	$(SWIFT) test

format:
	$(SWIFT) format format --in-place --recursive --parallel Sources Tests Package.swift

# The binary people install: release mode with the static Swift runtime (fast start-up).
release: setup
	$(SWIFT) build -c release --static-swift-stdlib --product yoi

bench: release
	bash scripts/bench.sh

# libFuzzer targets (Fuzz/), each for FUZZ_SECONDS (default 60).
fuzz: setup
	bash scripts/fuzz.sh

clean:
	rm -rf .build

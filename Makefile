# The two commands of the README: `make demo` and `make test`.
SWIFT ?= swift
YOI := .build/debug/yoi

.PHONY: setup build demo test release bench clean

setup:
	@bash scripts/install-deps.sh

build: setup
	$(SWIFT) build --product yoi

# Sets everything up and runs yoi's main job on the builtin default.
demo: build
	$(YOI) --version
	$(YOI) profile resolve builtin:default --workspace .

# The whole test suite (unit, sandbox, end to end through the built binary).
test: build
	$(SWIFT) test

# The binary people install: release mode with the static Swift runtime (fast start-up).
release: setup
	$(SWIFT) build -c release --static-swift-stdlib --product yoi

bench: release
	bash scripts/bench.sh

clean:
	rm -rf .build

# ecc: build, test and demo. `make demo` and `make test` need nothing but Go.

GO      ?= go
BIN     ?= ecc
FUZZTIME ?= 20s

# The example site reads cp-01's authorizationKey from the environment; the
# demo and the tests use a throw-away value so that no set-up is needed.
export ECC_AUTH_CP01 ?= ECOTAP-1802500:demo-secret

# Fuzz targets, package by package (each runs for FUZZTIME).
FUZZ_MODEL = FuzzLoadHCL FuzzLoadYAML FuzzLoadFactory

.PHONY: all build test demo bench fuzz clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/ecc

# gofmt check, vet, and every test; plain `go test` also runs the fuzz
# targets' seed corpora.
test:
	@fmt="$$(gofmt -l .)"; if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...
	$(GO) test ./...

# Validate the examples, start a simulated controller on a pseudo-terminal,
# then plan, apply and plan again (empty) against it.
demo: build
	ECC=./$(BIN) ./tools/demo.sh

bench:
	$(GO) test -bench . -run '^$$' ./...

fuzz:
	@set -e; for t in $(FUZZ_MODEL); do \
		echo "== $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./model/; \
	done

clean:
	rm -f $(BIN)

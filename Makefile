# ecc: build, test and demo. `make demo` and `make test` need nothing but Go.

GO      ?= go
BIN     ?= ecc
FUZZTIME ?= 20s

# The example site reads cp-01's authorizationKey from the environment; the
# demo and the tests use a throw-away value so that no set-up is needed.
export ECC_AUTH_CP01 ?= ECOTAP-1802500:demo-secret

# Fuzz targets as package:Target (each runs for FUZZTIME with `make fuzz`;
# their seed corpora run in every `go test`).
FUZZ_TARGETS = \
	./model:FuzzDecode ./model:FuzzParseFirmwareHeader ./model:FuzzParseVersion \
	./model:FuzzLoadHCL ./model:FuzzLoadYAML ./model:FuzzLoadFactory \
	./transport:FuzzDecodeFrame ./transport:FuzzLineReader ./transport:FuzzParseFlashLine

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
	@# Installers run ecc on Windows laptops; macOS too must keep building.
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null ./cmd/ecc
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null ./cmd/ecc

# Validate the examples, start a simulated controller on a pseudo-terminal,
# then plan, apply and plan again (empty) against it.
demo: build
	ECC=./$(BIN) ./tools/demo.sh

bench:
	$(GO) test -bench . -run '^$$' ./...

fuzz:
	@set -e; for pt in $(FUZZ_TARGETS); do \
		pkg=$${pt%%:*}; t=$${pt##*:}; \
		echo "== $$pkg $$t ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

clean:
	rm -f $(BIN)

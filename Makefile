# The two commands a newcomer needs: `make run` and `make test`.
GO ?= go

.PHONY: run test bench lint build

run:
	$(GO) run ./cmd/finessed $(ARGS)

test:
	$(GO) test -race ./...

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./model/ ./acd/ ./rest/

lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

build:
	$(GO) build -o bin/ ./cmd/...

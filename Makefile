# Every workflow command of Larder. `make help` lists them.
#
# Tools (sqlc, dbmate) are pinned in tools/go.mod and built into bin/ on
# first use: nothing is installed globally. Targets that need a database use
# DATABASE_URL when set, else the development database that
# `go run ./cmd/larder db url` finds or starts (see internal/pgserver).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO      ?= go
SQLC    := bin/sqlc
DBMATE  := bin/dbmate
PLUGIN  := bin/sqlc-gen-many
# Evaluated when a recipe uses it, so targets without a database need none.
DEV_URL  = $$($(GO) run ./cmd/larder db url)
GO_FILES = $$(git ls-files --cached --others --exclude-standard '*.go' | grep -v '^db/dbsqlc/')

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z0-9-]+:.*## / {printf "  %-20s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

# --- tools -----------------------------------------------------------------

$(SQLC): tools/go.mod tools/go.sum
	$(GO) -C tools build -o ../bin/ github.com/sqlc-dev/sqlc/cmd/sqlc

$(DBMATE): tools/go.mod tools/go.sum
	$(GO) -C tools build -o ../bin/ github.com/amacneil/dbmate/v2

# The sqlc plugin of this repository (sqlc.yaml runs bin/sqlc-gen-many).
$(PLUGIN): tools/go.mod tools/go.sum $(wildcard tools/sqlc-gen-many/*.go)
	$(GO) -C tools build -o ../bin/ ./sqlc-gen-many

.PHONY: tools
tools: $(SQLC) $(DBMATE) $(PLUGIN) ## build the pinned sqlc, dbmate and the sqlc-gen-many plugin into bin/

# --- database --------------------------------------------------------------

.PHONY: db
db: ## start a development database (docker compose if a Docker engine answers, else a local throwaway cluster)
	@if [ -z "$${DATABASE_URL:-}" ] && docker info >/dev/null 2>&1; then \
		docker compose up --detach --wait postgres; \
	fi
	@echo "DATABASE_URL=$(DEV_URL)"

.PHONY: db-stop
db-stop: ## stop the development database
	@if docker info >/dev/null 2>&1; then docker compose stop postgres; fi
	$(GO) run ./cmd/larder db stop

.PHONY: generate
generate: $(SQLC) $(PLUGIN) ## compile queries/ with sqlc: db/dbsqlc, and db/*.many.go through the plugin (and examples/shop's)
	$(SQLC) generate
	$(SQLC) generate -f examples/shop/sqlc.yaml

.PHONY: migration-generate
migration-generate: ## create db/migrations/<timestamp>_<name>.sql: make migration-generate name=add_x
	@[ -n "$(name)" ] || { echo "usage: make migration-generate name=add_food_notes (lower_snake_case)" >&2; exit 2; }
	@$(GO) run ./cmd/larder migrations new "$(name)"

.PHONY: migration-migrate
migration-migrate: $(DBMATE) $(SQLC) $(PLUGIN) ## apply pending migrations to the dev database, dump db/schema.sql, regenerate
	$(DBMATE) --url "$(DEV_URL)" up
	$(SQLC) generate

.PHONY: migration-rollback
migration-rollback: $(DBMATE) $(SQLC) $(PLUGIN) ## roll back the newest migration on the dev database, dump db/schema.sql, regenerate
	$(DBMATE) --url "$(DEV_URL)" rollback
	$(SQLC) generate

.PHONY: migration-reconcile
migration-reconcile: $(SQLC) $(PLUGIN) ## after a merge: fresh timestamps for migrations out of order, schema.sql re-dumped, regenerated
	$(GO) run ./cmd/larder migrations -sqlc $(SQLC) reconcile

.PHONY: migration-check
migration-check: ## migrations apply in strict order along the branch's history, and each one reverses
	$(GO) run ./cmd/larder migrations check

.PHONY: migration-status
migration-status: $(DBMATE) ## list migrations and whether the dev database has them
	$(DBMATE) --url "$(DEV_URL)" --no-dump-schema status

# --- tests -----------------------------------------------------------------

.PHONY: test
test: test-unit test-integration test-e2e ## run every test tier

.PHONY: test-unit
test-unit: ## unit tests beside the code, and the bench tools': no database
	$(GO) test -count=1 $$($(GO) list ./... | grep -v '/tests/') ./tests/bench/
	$(GO) -C tests/jobsbench test -count=1 ./...
	$(GO) -C tools test -count=1 ./sqlc-gen-many/

.PHONY: test-integration
test-integration: ## tests/integration: real PostgreSQL, a fresh database per test
	$(GO) test -count=1 ./tests/integration/...

.PHONY: test-pooled
test-pooled: tools ## the integration and e2e tiers again, through PgBouncer in transaction mode (larder db pooler)
	LARDER_TEST_POOLER=$$($(GO) run ./cmd/larder db pooler) $(MAKE) --no-print-directory test-integration test-e2e

.PHONY: test-e2e
test-e2e: tools ## tests/e2e: dbmate, sqlc and the larder command run as a user runs them
	$(GO) test -count=1 ./tests/e2e/...

FUZZTIME ?= 60s

.PHONY: fuzz
fuzz: ## fuzz the food and pantry actions against a real database (FUZZTIME, default 60s)
	$(GO) test -run '^$$' -fuzz FuzzFoodAndPantryInput -fuzztime $(FUZZTIME) ./tests/integration/

# tests/jobsbench is a module of its own: River is the benchmark's
# dependency, never Larder's. It finds the server as the tests do.
.PHONY: bench-jobs
bench-jobs: ## the job queue against River, side by side: enqueue and burn-down jobs/s, enqueue→start latency (a Markdown report, several minutes)
	$(GO) -C tests/jobsbench run .

.PHONY: bench-jobs-doc
bench-jobs-doc: ## run bench-jobs and write docs/BENCHMARKS-jobs.md
	$(GO) -C tests/jobsbench run . -out $(CURDIR)/docs/BENCHMARKS-jobs.md

.PHONY: bench
bench: ## the data layer against a per-row loop, pgx Batch, VALUES and COPY at 100 to 100,000 rows (a Markdown report)
	$(GO) run ./tests/bench

.PHONY: bench-doc
bench-doc: ## run the benchmarks and write docs/BENCHMARKS.md, and docs/BENCHMARKS-network.md through a proxy adding 200us to each round trip
	$(GO) run ./tests/bench -out docs/BENCHMARKS.md
	$(GO) run ./tests/bench -latency 200us -sizes 1000,10000 -out docs/BENCHMARKS-network.md

# --- checks ----------------------------------------------------------------

.PHONY: lint
lint: tools migration-check ## go vet, gofmt, sqlc diff and vet, schema.sql drift, migration order and reversibility, the schema, query and README rules
	$(GO) vet ./...
	$(GO) -C tools vet ./sqlc-gen-many/
	$(GO) -C examples/shop vet ./...
	$(GO) -C tests/jobsbench vet ./...
	@unformatted=$$(gofmt -l $(GO_FILES)); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted (run make format)" >&2; exit 1; fi
	@$(SQLC) diff && $(SQLC) diff -f examples/shop/sqlc.yaml || { echo "generated code is stale: run make generate" >&2; exit 1; }
	$(GO) test -count=1 -run 'TestSqlcVet|TestSchemaDumpIsCurrent' ./tests/e2e/
	$(GO) test -count=1 ./tests/rules/

.PHONY: format
format: ## gofmt every Go file
	gofmt -w $(GO_FILES)

.PHONY: ci
ci: lint test ## everything CI runs: lint, then every test tier

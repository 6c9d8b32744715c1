# storytrace — one command each to set up, run the demo, test, lint and benchmark.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := demo

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/storytrace ingest src/storytrace/data/sample --db $(DEMO)/sample.db
	$(BIN)/storytrace articles --db $(DEMO)/sample.db
	$(BIN)/storytrace stats --db $(DEMO)/sample.db
	$(BIN)/storytrace entities --db $(DEMO)/sample.db --limit 15
	$(BIN)/storytrace entity "Gideon Hale" --db $(DEMO)/sample.db
	$(BIN)/storytrace check --db $(DEMO)/sample.db
	$(BIN)/storytrace quotes --db $(DEMO)/sample.db --speaker Marchetti
	$(BIN)/storytrace diff 03_northgate-post.txt --db $(DEMO)/sample.db
	$(BIN)/storytrace stories --db $(DEMO)/sample.db
	$(BIN)/storytrace timeline --db $(DEMO)/sample.db --format markdown
	$(BIN)/storytrace export --db $(DEMO)/sample.db --out $(DEMO)/sample.json

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	mkdir -p bench/results
	$(BIN)/python bench/ingest.py --n 600 --json bench/results/ingest.json
	$(BIN)/python bench/ingest.py --stages foundation --json bench/results/ingest_foundation.json
	$(BIN)/python bench/seeds.py --json bench/results/seeds.json
	$(BIN)/python bench/seeds.py --data src/storytrace/data/sample \
	    --gold src/storytrace/data/sample/gold.yaml --json bench/results/sample.json
	$(BIN)/python bench/quotes.py --json bench/results/quotes.json
	$(BIN)/python bench/quotes_cofenet.py --json bench/results/quotes_cofenet.json
	$(BIN)/python bench/timex.py --json bench/results/timex.json
	$(BIN)/python bench/stories.py --json bench/results/stories.json
	$(BIN)/python bench/stream.py --json bench/results/stream.json
	$(BIN)/python bench/reuse.py --json bench/results/reuse.json
	$(BIN)/python bench/claims.py --json bench/results/claims.json
	$(BIN)/python bench/fnc1.py --json bench/results/fnc1.json
	$(BIN)/python bench/tls.py --json bench/results/tls.json
	$(BIN)/python bench/api.py --json bench/results/api.json
	$(BIN)/python bench/batch.py --json bench/results/batch.json
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache

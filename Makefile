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
	$(BIN)/python bench/ingest.py --json bench/results/ingest.json
	$(BIN)/python bench/seeds.py --json bench/results/seeds.json
	$(BIN)/python bench/seeds.py --data src/storytrace/data/sample \
	    --gold src/storytrace/data/sample/gold.yaml --json bench/results/sample.json
	$(BIN)/python bench/quotes.py --json bench/results/quotes.json
	$(BIN)/python bench/quotes_cofenet.py --json bench/results/quotes_cofenet.json
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache

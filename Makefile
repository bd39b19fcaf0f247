# Every target creates and uses .venv by itself: a fresh clone needs only Python and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SPEC := openapi/zoom-v2.yaml
GEN_OUT := zoom_async/_generated

.PHONY: venv test generate check-generated readme-table lint demo bench chaos clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

generate: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python generator/generate.py --spec $(SPEC) --out $(GEN_OUT)

check-generated: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python generator/generate.py --spec $(SPEC) --out $(GEN_OUT) --check

# The README's operations table, from the spec and the generated methods (checked by tests).
readme-table: $(STAMP)
	$(BIN)/python generator/readme_table.py

lint: $(STAMP)
	$(BIN)/ruff check zoom_async tests generator benchmarks
	$(BIN)/ruff format --check zoom_async tests generator benchmarks
	$(BIN)/mypy --strict zoom_async

demo: $(STAMP)
	$(BIN)/python -m zoom_async.demo $(if $(LIVE),--live,)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

chaos: $(STAMP)
	ZOOM_CHAOS_FULL=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/chaos

clean:
	rm -rf $(VENV) build *.egg-info

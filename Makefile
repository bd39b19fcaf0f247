# Every target creates and uses .venv by itself: a fresh clone needs only Python and pip.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

SPEC := openapi/zoom-v2.yaml
GEN_OUT := zoom_async/_generated
# Zoom's specs that curation reads (absent on a plain clone: the curation checks then skip).
REFERENCE ?= ../shared/reference

.PHONY: venv test curate check-curated generate check-generated readme-table lint demo bench chaos clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p no:cacheprovider

curate: $(STAMP)
	$(BIN)/python generator/curate.py --reference $(REFERENCE) --out $(SPEC)

check-curated: $(STAMP)
	$(BIN)/python generator/curate.py --reference $(REFERENCE) --out $(SPEC) --check

generate: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python generator/generate.py --spec $(SPEC) --out $(GEN_OUT)
	$(BIN)/python generator/readme_table.py

check-generated: $(STAMP) check-curated
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python generator/generate.py --spec $(SPEC) --out $(GEN_OUT) --check

# The README's operations table, from the spec and the generated methods (checked by tests).
readme-table: $(STAMP)
	$(BIN)/python generator/readme_table.py

lint: $(STAMP)
	$(BIN)/ruff check zoom_async tests generator benchmarks
	$(BIN)/ruff format --check zoom_async tests generator benchmarks
	$(BIN)/mypy --strict zoom_async

# The demo needs only the runtime dependencies: its own small venv, run from this checkout.
DEMO_VENV := .venv-demo
DEMO_STAMP := $(DEMO_VENV)/.installed
DEMO_PIP := --quiet --no-compile --disable-pip-version-check -r $(DEMO_VENV)/requirements.txt

$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv --clear --without-pip $(DEMO_VENV)
	$(PYTHON) -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > $(DEMO_VENV)/requirements.txt
	@# The host's pip fills the bare venv (pip >= 22.3, saves seconds); else the venv gets its own.
	$(PYTHON) -m pip --python $(DEMO_VENV)/bin/python install $(DEMO_PIP) \
	  || ($(DEMO_VENV)/bin/python -m ensurepip --default-pip && $(DEMO_VENV)/bin/python -m pip install $(DEMO_PIP))
	touch $(DEMO_STAMP)

demo: $(DEMO_STAMP)
	$(DEMO_VENV)/bin/python -m zoom_async.demo $(if $(LIVE),--live,)

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

chaos: $(STAMP)
	ZOOM_CHAOS_FULL=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/chaos

clean:
	rm -rf $(VENV) $(DEMO_VENV) build *.egg-info

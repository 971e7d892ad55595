# The two commands a newcomer needs: `make demo` and `make test`.
# Both set up .venv (only Python 3.11+ is needed; everything else comes from PyPI).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

# The samples speak with the natural (neural) voice: sentences are spread over every core
# (one process per core), which beats one episode per core for three episodes on two.
demo: $(STAMP)
	$(BIN)/toolkit build

test: $(STAMP)
	$(BIN)/ruff check toolkit tests
	$(BIN)/ruff format --check toolkit tests
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m tests.bench

clean:
	rm -rf build/*/ build/.cache

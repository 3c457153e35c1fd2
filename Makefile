# fm-governance — one Makefile for people and CI.
#   make run    set up .venv, build the handbook (HTML) and assess the example project
#   make test   set up .venv, lint, type-check and run the whole test suite
# Everything is installed into a fresh virtual environment (.venv) on first use.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXAMPLE := examples/support-bot

# Debian packages the test suite needs: the LaTeX/PDF build of the handbook and extension tests
# (pdflatex; XeLaTeX, the handbook's engine, with the FreeFont fonts Sphinx sets for it; LuaLaTeX
# and Noto CJK for the extension's CJK-in-the-PDF recipe), pdftotext (poppler-utils) to read the
# PDF back, and headless Chromium for the browser and accessibility check (Playwright drives
# /usr/bin/chromium; it never downloads a browser), and the libraries WeasyPrint loads for the PDF
# report (Pango with its FreeType backend and HarfBuzz, as WeasyPrint's install guide lists them for
# Debian and Ubuntu; pip installs WeasyPrint itself with the [pdf] extra), and Graphviz for the
# handbook's diagrams (sphinx.ext.graphviz).
# Installed with apt-get only when missing, so a machine that has them is not touched.
SYSTEM_PACKAGES := latexmk texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended tex-gyre texlive-xetex texlive-luatex fonts-freefont-otf fonts-noto-cjk poppler-utils chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b graphviz

.PHONY: run test lint docs pytest bench clean system-deps

# Debian's python3 makes virtual environments only with python3-venv (ensurepip) installed.
$(STAMP): pyproject.toml
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || $(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES=python3-venv
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: docs $(STAMP)
	$(BIN)/fm-governance assess $(EXAMPLE)
	@# The example is partly answered: its open critical items fail the gate (exit 1), as they should.
	@# Exit 2 (bad input) still stops make.
	@$(BIN)/fm-governance check $(EXAMPLE)/fm-governance.yaml --fail-on critical; code=$$?; \
	if [ $$code -eq 1 ]; then echo "The gate failed (exit 1): the example still has open critical items."; \
	elif [ $$code -ne 0 ]; then exit $$code; fi
	@echo "Handbook: docs/_build/html/index.html"

# The handbook's HTML needs Graphviz (its diagrams, sphinx.ext.graphviz); not TeX or a browser.
# A `dot` already on the PATH (from any package manager) is enough.
DOCS_PACKAGES := graphviz

docs: $(STAMP)
	@command -v dot >/dev/null 2>&1 || $(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(DOCS_PACKAGES)"
	$(BIN)/python -m sphinx -n -W --keep-going -b html docs docs/_build/html

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs/conf.py docs/_ext
	$(BIN)/ruff format --check src tests benchmarks docs/conf.py docs/_ext
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if ! command -v apt-get >/dev/null 2>&1; then echo "apt-get not found: install$$missing with your package manager" >&2; exit 1; fi; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi

test: system-deps lint pytest

# The benchmarks also need ripgrep (the scanner's speed is measured against it); not the tests.
BENCH_PACKAGES := ripgrep

bench: $(STAMP)
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(BENCH_PACKAGES)"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) docs/_build .pytest_cache .hypothesis .ruff_cache .mypy_cache

# Two commands for a newcomer: `make demo` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages the tests use: pdftotext (PDF text), LibreOffice (re-saved and printed workbooks),
# fonts for Korean and Chinese names in PDFs, Chromium (the HTML roadmap on a phone and a desktop).
DEB_PACKAGES := poppler-utils libreoffice-calc-nogui fonts-dejavu-core fonts-nanum fonts-wqy-microhei chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test check bench system-deps fonts clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

system-deps:
	@if ! command -v pdftotext >/dev/null || ! command -v soffice >/dev/null \
	    || [ ! -d /usr/share/fonts/truetype/nanum ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
	    || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian packages: $(DEB_PACKAGES)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(DEB_PACKAGES); \
	fi

# The demo's PDFs carry Vietnamese, Korean and Chinese names: it installs their fonts first.
FONT_PACKAGES := fonts-dejavu-core fonts-nanum fonts-wqy-microhei
fonts:
	@if [ ! -d /usr/share/fonts/truetype/nanum ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] \
	    || [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  echo "Installing the fonts the demo's PDFs need: $(FONT_PACKAGES)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(FONT_PACKAGES); \
	fi

demo: $(STAMP) fonts
	$(BIN)/accelerator demo --out demo-output

# The quality gate runs first: lint, formatting and types over the packages, all clean.
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: check system-deps
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(SECTIONS)

clean:
	rm -rf $(VENV) demo-output bench-output accelerator.db*

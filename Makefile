# Two commands on a fresh machine: `make run` (set up, then the demo) and `make test`.
# Every step is idempotent and skipped when already done.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
# Debian packages: CJK fonts; the libraries QtWebEngine and Qt's xcb and Wayland platforms
# need (a real desktop); the VA-API loaders QtMultimedia's FFmpeg opens at run time (without
# them it warns on every video and the tests fail on Qt warnings). npm (for the Leaflet
# assets) is checked as a command: a machine may have it from its own Node.js install.
# postgresql: the tests run the platform on a real PostgreSQL too (tests/pg_fixtures.py).
# `tools/check_debs.py` finds what is missing here (docs/development.md, "A fresh machine").
DEBS := fonts-noto-cjk libnss3 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libegl1 libgl1 \
        libfontconfig1 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libasound2 libpulse0 \
        libva2 libva-drm2 libva-x11-2 libxcb-icccm4 libxcb-keysyms1 libwayland-cursor0 libwayland-egl1 \
        postgresql

.PHONY: setup run test bench snapshot translations translations-built bytecode clean

setup: $(STAMPS)/debs $(STAMPS)/venv resources/map/vendor/.versions translations-built bytecode

$(STAMPS)/debs: Makefile
	@mkdir -p $(STAMPS)
	@missing=$$(for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done; \
	  command -v npm >/dev/null 2>&1 || echo npm); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  SUDO=$$( [ $$(id -u) -eq 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@touch $@

$(STAMPS)/venv: pyproject.toml
	@mkdir -p $(STAMPS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --upgrade pip
	@$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

resources/map/vendor/.versions: tools/fetch-map-assets.sh
	@tools/fetch-map-assets.sh

# .qm files are built from the committed .ts sources.
translations-built: $(STAMPS)/venv
	@$(BIN)/python tools/build_translations.py --release

# Compiled bytecode for our own modules, as an installed package has: with
# PYTHONDONTWRITEBYTECODE set (as on our machines) every start would compile them again.
bytecode: $(STAMPS)/venv
	@$(BIN)/python -m compileall -q commandcenter

translations: $(STAMPS)/venv
	@$(BIN)/python tools/build_translations.py --update --release

run: setup
	$(BIN)/commandcenter demo

test: setup
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" \
	  $(BIN)/python -m pytest -q

bench: setup
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" \
	  $(BIN)/python bench/startup.py

snapshot: setup
	QT_QPA_PLATFORM=offscreen QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu" \
	  $(BIN)/commandcenter snapshot --out out/snapshot.png --size 1920x1080

clean:
	rm -rf $(VENV) $(STAMPS) resources/map/vendor

# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := $(CURDIR)/.demo-desk
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-slow test-all bench lint demo clean sysdeps paper soak dist dist-check \
        install-desktop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	@bash scripts/ensure-system-libs.sh
	$(BIN)/pip install -q -e '.[test]'
	@touch $(STAMP)

sysdeps:
	@bash scripts/ensure-system-libs.sh

demo: $(STAMP)
	@test -f $(DEMO)/desk.db || $(BIN)/crisisdesk --data-dir $(DEMO) demo

# The launcher stays in .venv/bin (nothing is installed outside the project): say how to
# start it again without make, as a command that works as typed from any folder.
run: demo
	@echo "Next time, without make: $(CURDIR)/$(BIN)/crisisdesk --data-dir $(DEMO)"
	CRISISDESK_HOME=$(DEMO) CRISISDESK_OPERATOR=demo $(BIN)/crisisdesk

# Tests run on every core (pytest-xdist; one file stays on one worker so its module fixtures are
# built once). `make test` leaves out the tests marked slow (subprocess round-trips, kill -9
# harnesses, full-disk runs); `make test-slow` runs only those; .ci/run runs both.
PYTEST := QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -n auto --dist loadfile

test: $(STAMP)
	$(PYTEST) -m "not slow" $(PYTEST_ARGS)

test-slow: $(STAMP)
	$(PYTEST) -m slow $(PYTEST_ARGS)

test-all: $(STAMP)
	$(PYTEST) $(PYTEST_ARGS)

soak: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/soak.py $(SOAK_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check crisisdesk tests benchmarks
	$(BIN)/mypy crisisdesk

bench: $(STAMP)
	@for f in benchmarks/bench_*.py; do QT_QPA_PLATFORM=offscreen $(BIN)/python $$f || exit 1; done

# Every PDF the desk makes, from a fresh demo desk, as 100 dpi PNGs in docs/paper/.
paper: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python scripts/render_paper.py

# The one-folder app (PyInstaller): dist/crisisdesk/crisisdesk, the app and the CLI in one.
# The same command builds it on Windows and macOS (README, "Build the app").
DIST_STAMP := $(VENV)/.dist-stamp
BUNDLE     := dist/crisisdesk

$(DIST_STAMP): pyproject.toml | $(STAMP)
	$(BIN)/pip install -q -e '.[test,dist]'
	@touch $(DIST_STAMP)

dist: $(DIST_STAMP)
	@start=$$(date +%s); \
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
	    packaging/crisisdesk.spec || exit 1; \
	echo "Built $(BUNDLE)/crisisdesk ($$(du -sh $(BUNDLE) | cut -f1)) in $$(( $$(date +%s) - start )) s"

# Build the bundle, then run its smoke test (which fails, not skips, when the bundle is missing).
dist-check: dist
	CRISISDESK_REQUIRE_BUNDLE=1 QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q tests/packaging

# Linux: copy the bundle to ~/.local/lib/crisisdesk and add the menu entry and icon
# (~/.local/share/applications, ~/.local/share/icons). Run `make dist` first.
APP_HOME  := $(HOME)/.local/lib/crisisdesk
APPS_DIR  := $(HOME)/.local/share/applications
ICONS_DIR := $(HOME)/.local/share/icons/hicolor

install-desktop:
	@test -x $(BUNDLE)/crisisdesk || { echo "No app in $(BUNDLE): run 'make dist' first" >&2; exit 1; }
	rm -rf $(APP_HOME) && mkdir -p $(dir $(APP_HOME)) && cp -a $(BUNDLE) $(APP_HOME)
	@for size in 16 24 32 48 64 128 256 512; do \
	    install -D -m 644 packaging/icons/crisisdesk-$$size.png \
	        $(ICONS_DIR)/$${size}x$${size}/apps/crisisdesk.png || exit 1; done
	install -D -m 644 packaging/icons/crisisdesk.svg $(ICONS_DIR)/scalable/apps/crisisdesk.svg
	mkdir -p $(APPS_DIR)
	sed 's|@BUNDLE@|$(APP_HOME)|g' packaging/linux/crisisdesk.desktop > $(APPS_DIR)/crisisdesk.desktop
	-@update-desktop-database $(APPS_DIR) 2>/dev/null || true
	@echo "Installed: CrisisDesk is in the applications menu (runs $(APP_HOME)/crisisdesk)"

clean:
	rm -rf $(VENV) $(DEMO) build dist *.egg-info

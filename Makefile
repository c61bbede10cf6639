# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO   := $(CURDIR)/.demo-desk
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test bench lint demo clean sysdeps paper soak

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

test: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q $(PYTEST_ARGS)

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

clean:
	rm -rf $(VENV) $(DEMO) build *.egg-info

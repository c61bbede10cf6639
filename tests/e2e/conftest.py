"""Every test here runs `python -m crisisdesk` in subprocesses (each one pays for interpreter
start-up, imports and a real Argon2id unlock), so the whole folder is marked slow: `make test`
leaves it out to stay fast, `make test-slow` and .ci/run run it."""

from __future__ import annotations

from pathlib import Path

import pytest

_HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in Path(item.fspath).parents:
            item.add_marker(pytest.mark.slow)

"""Fixtures shared by the hotline's service tests and the letters tests that start from a call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crisisdesk.services.session import Session
from tests.support.hotline import agent_session, mailed_letters


@pytest.fixture
def refs(session: Session, tmp_path: Path) -> dict[str, str]:
    """Letters mailed to the hotline's test patients: their references by name."""
    return mailed_letters(session, tmp_path)


@pytest.fixture
def agent(session: Session, refs: dict[str, str]) -> Iterator[Session]:
    """A hotline agent's session on the desk those letters went out from."""
    agent = agent_session(session)
    yield agent
    agent.close()

"""An operator with the `agent` role can use the hotline desk and nothing else."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import crisisdesk.services
from crisisdesk.domain.errors import PermissionDenied
from crisisdesk.services import contacts as contact_service
from crisisdesk.services.hotline import lookup
from crisisdesk.services.session import REFUSED_ACTION, Session
from crisisdesk.store import audit as audit_store
from tests.support.hotline import agent_session

# Session helpers every service uses; not services themselves.
NOT_SERVICES = {"crisisdesk.services.session"}


@pytest.fixture
def agent(session: Session) -> Iterator[Session]:
    agent = agent_session(session)
    yield agent
    agent.close()


def _services() -> list[tuple[str, Callable[..., Any]]]:
    """Every public function of crisisdesk.services whose first parameter is a session."""
    found: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(crisisdesk.services.__path__, "crisisdesk.services."):
        if info.name in NOT_SERVICES:
            continue
        module = importlib.import_module(info.name)
        for name, fn in vars(module).items():
            if (name.startswith("_") or not inspect.isfunction(fn)
                    or fn.__module__ != module.__name__):
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "session":
                found[f"{module.__name__}.{name}"] = fn
    return sorted(found.items())


def _dummy(param: inspect.Parameter, tmp_path: Path) -> object:
    note = str(param.annotation)
    if "Path" in note:
        return tmp_path / "agent-was-here"
    if "date" in note:
        return dt.date(2026, 3, 20)
    for kind, value in (("bool", False), ("int", 1), ("str", "x"), ("float", 1.0)):
        if kind in note:
            return value
    return None


def test_an_agent_cannot_call_any_service_but_the_hotline(
        session: Session, agent: Session, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Walks every public function in crisisdesk.services that takes a session (the real
    modules, not a list kept by hand) and calls it as an agent on a real desk, with stand-in
    arguments. Every service reaches the desk through `session.db`, `session.action` or
    `session.require` (services/session.py); the test watches the agent's connection itself
    (SQLite's trace callback), so a service that reached the data any other way would show.

    Outside the hotline, no call may run a single statement on the desk except the audit
    entry recording the refusal; the hotline's own services must work."""
    seen: list[str] = []
    auditing = [False]
    refuse = Session._refuse_agent

    def audited_refusal(self: Session) -> None:
        auditing[0] = True
        try:
            refuse(self)
        finally:
            auditing[0] = False

    monkeypatch.setattr(Session, "_refuse_agent", audited_refusal)
    agent._db.conn.set_trace_callback(lambda sql: None if auditing[0] else seen.append(sql))
    refused: list[str] = []
    services = _services()
    assert len(services) > 150
    for name, fn in services:
        if getattr(fn, "agent_allowed", False):
            continue
        params = list(inspect.signature(fn).parameters.values())[1:]
        args = [_dummy(p, tmp_path) for p in params
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        kwargs = {p.name: _dummy(p, tmp_path) for p in params
                  if p.default is inspect.Parameter.empty and p.kind is p.KEYWORD_ONLY}
        seen.clear()
        try:
            fn(agent, *args, **kwargs)
        except PermissionDenied as refusal:
            if "hotline agent" in str(refusal):
                refused.append(name)
        except Exception:
            pass
        assert seen == [], f"{name} ran SQL for an agent: {seen[:3]}"
    assert len(refused) > 100
    assert "crisisdesk.services.contacts.list_contacts" in refused
    entries = [e for e in audit_store.entries(session.db) if e.action == REFUSED_ACTION]
    assert {e.operator for e in entries} == {"casey"}
    assert len(entries) >= len(refused)
    agent._db.conn.set_trace_callback(None)
    assert not lookup.lookup(agent, reference="CD00000018").found  # the hotline still works


def test_a_refusal_is_one_line_and_audited(session: Session, agent: Session) -> None:
    with pytest.raises(PermissionDenied) as refused:
        contact_service.list_contacts(agent)
    assert str(refused.value) == ("casey is a hotline agent and may use only the hotline "
                                  "desk; refused: crisisdesk.services.contacts.list_contacts.")
    last = audit_store.entries(session.db)[-1]
    assert (last.operator, last.action, last.entity_id) == (
        "casey", REFUSED_ACTION, "crisisdesk.services.contacts.list_contacts")

"""The demo desk: who and what is in it, that it is fictional and repeatable, and that it never
replaces a real desk."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import pytest

from crisisdesk.domain.contacts import ContactDraft, ContactKind, validate_draft
from crisisdesk.domain.errors import DeskAlreadyOpen, DeskExists
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.demo import desk as demo_service
from crisisdesk.services.demo.data import (
    FictionalNumbers,
    email_local,
    external_drafts,
    staff_drafts,
)
from crisisdesk.services.session import Session
from crisisdesk.store.lock import DeskLock


def _demo_session(data_dir: Path, name: str = "demo") -> Session:
    passphrase = {n: p for n, _, p in demo_service.DEMO_OPERATORS}[name]
    return desk_service.unlock(data_dir, name, passphrase)


def _kinds(session: Session) -> Counter[str]:
    return Counter({str(k): int(n) for k, n in
                    session.db.execute("SELECT kind, count(*) FROM contacts GROUP BY kind")})


@pytest.fixture
def demo_dir(tmp_path: Path) -> Path:
    data_dir = tmp_path / "demo"
    demo_service.create_demo(data_dir)
    return data_dir


def test_the_demo_desk_has_staff_and_every_kind_of_outside_contact(demo_dir: Path) -> None:
    session = _demo_session(demo_dir)
    try:
        kinds = _kinds(session)
        assert sum(kinds.values()) >= 80
        assert kinds["staff"] >= 55
        assert set(kinds) == {k.value for k in ContactKind}
        assert kinds["media"] >= 4
        assert kinds["law_enforcement"] >= 3
        assert session.org == "Riverbend Community Health"
        assert settings_service.get(session, "timezone") == "America/Chicago"
    finally:
        session.close()


def test_the_demo_has_three_operators_who_can_each_unlock_it(demo_dir: Path) -> None:
    for name, role, _ in demo_service.DEMO_OPERATORS:
        session = _demo_session(demo_dir, name)
        try:
            assert session.operator.role is role
            ops = operator_service.list_operators(session)
        finally:
            session.close()
    assert sorted((o.name, o.role) for o in ops) == [
        ("approver", Role.APPROVER), ("demo", Role.ADMIN), ("operator", Role.OPERATOR)]


def test_every_demo_record_is_audited_and_the_chain_verifies(demo_dir: Path) -> None:
    session = _demo_session(demo_dir)
    try:
        report = audit_service.verify(session)
        assert report.ok
        actions = Counter(e.action for e in audit_service.show(session))
        assert actions["desk.init"] == 1
        assert actions["operator.add"] == 2
        assert report.count >= 80 + 3
        # Summaries never carry the fictional people's names either.
        entries = [e for e in audit_service.show(session) if e.entity_type != "setting"]
        summaries = " ".join(e.summary for e in entries)
        assert "Okafor" not in summaries
        assert "555" not in summaries
    finally:
        session.close()


def test_running_demo_twice_without_force_is_refused(demo_dir: Path) -> None:
    with pytest.raises(DeskExists, match="--force"):
        demo_service.create_demo(demo_dir)


def test_force_rebuilds_a_demo_desk(demo_dir: Path) -> None:
    old_id = desk_service.load_vault(demo_dir).desk_id
    result = demo_service.create_demo(demo_dir, force=True)
    assert desk_service.load_vault(demo_dir).desk_id != old_id
    assert result.contacts >= 80


def test_force_never_deletes_a_real_desk(session: Session, data_dir: Path) -> None:
    before = audit_service.show(session)
    with pytest.raises(DeskExists, match="never deletes a real desk"):
        demo_service.create_demo(data_dir, force=True)
    assert audit_service.show(session) == before
    assert desk_service.load_vault(data_dir).org == "Riverside Clinics"


def test_force_refuses_a_desk_that_only_borrows_the_demo_name(tmp_path: Path) -> None:
    impostor = tmp_path / "real"
    desk_service.init_desk(impostor, org="Riverbend Community Health", operator="alex",
                           passphrase="a real passphrase").session.close()
    with pytest.raises(DeskExists, match="not the demo"):
        demo_service.create_demo(impostor, force=True)
    desk_service.unlock(impostor, "alex", "a real passphrase").close()


def test_force_refuses_while_the_app_has_the_demo_open(demo_dir: Path) -> None:
    lock = DeskLock(demo_dir / "desk.lock")
    lock.acquire()
    try:
        with pytest.raises(DeskAlreadyOpen, match="close the app"):
            demo_service.create_demo(demo_dir, force=True)
    finally:
        lock.release()
    _demo_session(demo_dir).close()  # still there


def test_a_failing_step_leaves_no_half_built_desk(tmp_path: Path) -> None:
    def broken(ctx: demo_service.SeedContext) -> str:
        raise RuntimeError("step failed")

    data_dir = tmp_path / "demo"
    with pytest.raises(RuntimeError):
        demo_service.create_demo(data_dir, steps=[demo_service.seed_operators, broken])
    assert not (data_dir / "desk.db").exists()
    assert not (data_dir / "keyslots.json").exists()
    demo_service.create_demo(data_dir, steps=[demo_service.seed_operators])  # and can retry


def test_seeding_is_a_list_of_steps_later_features_can_extend(tmp_path: Path) -> None:
    seen: list[int] = []

    def count_step(ctx: demo_service.SeedContext) -> str:
        seen.append(len(audit_service.show(ctx.session)))
        return "counted"

    result = demo_service.create_demo(tmp_path / "d",
                                      steps=[*demo_service.SEED_STEPS, count_step])
    assert result.steps[-1] == "counted"
    assert seen[0] > 80


def _all_drafts() -> list[ContactDraft]:
    rng = random.Random(demo_service.DEMO_SEED)
    numbers = FictionalNumbers(rng)
    return staff_drafts(rng, numbers) + external_drafts(rng, numbers)


def test_the_demo_data_is_the_same_every_time() -> None:
    assert _all_drafts() == _all_drafts()


def test_only_numbers_and_addresses_reserved_for_fiction_are_used() -> None:
    drafts = _all_drafts()
    e164 = [p.e164 for d in drafts for p in validate_draft(d).phones]
    assert e164
    assert all(re.fullmatch(r"\+1[2-9]\d\d55501\d\d", n) for n in e164), e164
    assert len(set(e164)) == len(e164)  # nobody shares a number by accident
    assert all(d.email.endswith(".example") for d in drafts)


def test_names_are_varied_and_survive_validation_unchanged() -> None:
    names = [validate_draft(d).name for d in _all_drafts()]
    assert "Siobhán O'Connor" in names
    assert "Nguyễn Thị Lan" in names
    assert any("-" in n for n in names)
    assert any("'" in n for n in names)
    assert len(set(names)) == len(names)


def test_email_addresses_are_plain_ascii() -> None:
    assert email_local("Siobhán O'Connor") == "siobhan.oconnor"
    assert email_local("Stanisław Wiśniewski") == "stanislaw.wisniewski"
    assert email_local("José Martínez-Ruiz") == "jose.martinez-ruiz"

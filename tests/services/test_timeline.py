"""The timeline is append-only: entries are added and corrected, never edited or deleted."""

from __future__ import annotations

from typing import Any

import pytest

from crisisdesk.domain.errors import NotFound, ValidationError
from crisisdesk.domain.timeline import Category
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.session import Session
from crisisdesk.store.errors import DB_ERRORS
from tests.support.crisis import audit_count, freeze, open_incident


@pytest.fixture(autouse=True)
def _frozen(session: Session) -> None:
    freeze(session)


def test_entries_come_back_in_time_order_with_author(session: Session) -> None:
    open_incident(session)
    later = timeline_service.add_entry(session, "Holding statement released",
                                       category=Category.MEDIA, at="2026-03-19T15:00:00Z",
                                       position="PIO")
    earlier = timeline_service.add_entry(session, "Called the insurer",
                                         category=Category.CALL, at="2026-03-19T09:00:00Z",
                                         author="Margaret Whitfield")
    lines = [line.entry for line in timeline_service.list_entries(session)
             if line.entry.source == "log"]
    assert [e.id for e in lines] == [earlier.id, later.id]  # by when it happened
    assert lines[0].author == "Margaret Whitfield"
    assert lines[1].author == "alex"
    assert lines[1].position == "PIO"
    assert lines[1].recorded_at == "2026-03-20T12:00:00Z"


def test_a_correction_keeps_the_original_and_points_to_it(session: Session) -> None:
    open_incident(session)
    wrong = timeline_service.add_entry(session, "EHR down since 06:00", category=Category.NOTE)
    before = audit_count(session)
    fixed = timeline_service.correct_entry(session, wrong.id[:8], "EHR down since 05:40")
    assert audit_count(session) == before + 1
    assert fixed.corrects == wrong.id
    assert fixed.at == wrong.at
    lines = {line.entry.id: line for line in timeline_service.list_entries(session)}
    assert lines[wrong.id].entry.text == "EHR down since 06:00"  # still there, unchanged
    assert lines[wrong.id].corrected_by == fixed
    current = timeline_service.list_entries(session, include_corrected=False)
    assert wrong.id not in {line.entry.id for line in current}
    assert fixed.id in {line.entry.id for line in current}


def test_there_is_no_way_to_edit_or_delete(session: Session) -> None:
    incident_id = open_incident(session)
    entry = timeline_service.add_entry(session, "Decision made", category=Category.DECISION)
    public = {name for name in dir(timeline_service) if not name.startswith("_")}
    assert not {n for n in public if any(w in n for w in ("update", "delete", "edit", "remove"))}
    with pytest.raises(DB_ERRORS, match="append-only"):
        session.db.execute("UPDATE timeline SET text = 'changed' WHERE id = ?", [entry.id])
    with pytest.raises(DB_ERRORS, match="append-only"):
        session.db.execute("DELETE FROM timeline WHERE incident_id = ?", [incident_id])
    assert timeline_service.get_entry(session, entry.id).text == "Decision made"


def test_filter_and_search(session: Session) -> None:
    open_incident(session)
    timeline_service.add_entry(session, "WRBN-TV asked for comment", category=Category.MEDIA,
                               at="2026-03-18T10:00:00Z")
    timeline_service.add_entry(session, "Insurer notified", category=Category.COMMUNICATION,
                               at="2026-03-19T10:00:00Z", author="Dana")
    timeline_service.add_entry(session, "Paper downtime forms in use", category=Category.ACTION,
                               at="2026-03-20T08:00:00Z")

    def texts(**kw: Any) -> list[str]:
        return [line.entry.text for line in timeline_service.list_entries(session, **kw)
                if line.entry.source == "log"]

    assert texts(categories=[Category.MEDIA]) == ["WRBN-TV asked for comment"]
    assert texts(text="wrbn") == ["WRBN-TV asked for comment"]
    assert texts(author="dana") == ["Insurer notified"]
    assert texts(since="2026-03-19T00:00:00Z") == ["Insurer notified",
                                                   "Paper downtime forms in use"]
    assert texts(until="2026-03-19T23:00:00Z") == ["WRBN-TV asked for comment",
                                                   "Insurer notified"]


@pytest.mark.parametrize(("kw", "field"), [
    ({"text": "   "}, "text"),
    ({"text": "x" * 5000}, "text"),
    ({"text": "ok", "at": "2026-03-21T12:00:00Z"}, "at"),  # tomorrow
    ({"text": "ok", "at": "yesterday-ish"}, "at"),
])
def test_bad_entries_are_refused(session: Session, kw: dict[str, str], field: str) -> None:
    open_incident(session)
    before = audit_count(session)
    with pytest.raises(ValidationError) as err:
        timeline_service.add_entry(session, **kw)  # type: ignore[arg-type]
    assert field in err.value.fields
    assert audit_count(session) == before


def test_needs_an_incident(session: Session) -> None:
    with pytest.raises(NotFound, match="no current incident"):
        timeline_service.add_entry(session, "hello")


def test_other_services_log_inside_their_own_transaction(session: Session) -> None:
    open_incident(session)
    count = len(timeline_service.list_entries(session))
    with (pytest.raises(RuntimeError),  # noqa: PT012 - the action block is what fails
          session.action("letters.print", "batch", summary="Printed a letter batch") as act):
        timeline_service.record_in_action(session, act, "Letter batch 1 printed",
                                          source="letters")
        raise RuntimeError("printer caught fire")
    assert len(timeline_service.list_entries(session)) == count  # rolled back together
    with session.action("letters.print", "batch", summary="Printed a letter batch") as act:
        entry = timeline_service.record_in_action(session, act, "Letter batch 1 printed",
                                                  source="letters")
    assert entry is not None
    assert entry.source == "letters"
    assert timeline_service.latest_entries(session, limit=1)[0].id == entry.id
    with pytest.raises(RuntimeError):  # outside an action it refuses
        timeline_service.record_in_action(session, act, "stray", source="letters")

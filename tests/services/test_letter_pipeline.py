"""The letters pipeline's rules in services: the steps and their reasons, a batch printed only
after it was rendered (to PDF or straight to a printer), and the render's chosen file name."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisisdesk.domain.errors import UserError, ValidationError
from crisisdesk.domain.letters import LetterStatus
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import mailing_log, pipeline
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list


def _batch(session: Session, tmp: Path, n: int = 5) -> None:
    letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp / "l.csv", adult_rows(n)))
    add_codes(session, tmp, n)
    letter_service.create_batch(session)


def _steps(session: Session) -> dict[str, str]:
    return {s.key: s.state_text for s in pipeline.overview(session).steps}


def test_marking_a_batch_printed_before_it_is_rendered_is_refused_and_changes_nothing(
        session: Session, tmp_path: Path) -> None:
    _batch(session, tmp_path)
    with pytest.raises(UserError) as err:
        mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    assert str(err.value) == ("Letter batch 1 is not rendered yet: render it to PDF (or print "
                              "it from the Letters page) before marking it printed.")
    assert "\n" not in str(err.value)
    batch = letter_service.get_batch(session, "1")
    assert (batch.rendered_at, batch.printed_at) == ("", "")
    assert mailing_log.totals(session)["ALL"] == {"pending": 5}
    assert _steps(session)["print"] == "Waiting on rendering"


def test_a_batch_sent_straight_to_the_printer_counts_as_rendered(
        session: Session, tmp_path: Path) -> None:
    _batch(session, tmp_path)
    batch = letter_service.record_direct_print(session, "1")
    assert batch.rendered_at
    assert not batch.printed_at
    assert mailing_log.totals(session)["ALL"] == {"rendered": 5}
    assert _steps(session)["print"] == "Ready"
    mailing_log.mark_batch(session, "1", LetterStatus.PRINTED)
    batch = letter_service.get_batch(session, "1")
    assert batch.rendered_at <= batch.printed_at
    assert _steps(session)["mailed"] == "Ready"


def test_the_demo_batch_shows_rendered_beside_printed(tmp_path: Path) -> None:
    from crisisdesk.services import desk as desk_service
    from crisisdesk.services.demo import desk as demo_service

    demo_service.create_demo(tmp_path / "demo")
    session = desk_service.unlock(tmp_path / "demo", demo_service.DEMO_OPERATOR,
                                  demo_service.DEMO_PASSPHRASE)
    try:
        [batch] = letter_service.list_batches(session)
        assert batch.printed_at
        assert batch.rendered_at
        assert batch.rendered_at <= batch.printed_at
    finally:
        session.close()


@pytest.mark.parametrize("name", ["../escape.pdf", ".pdf", "sub/dir.pdf"])
def test_a_render_name_that_is_not_a_file_name_is_refused_before_anything_is_written(
        session: Session, tmp_path: Path, name: str) -> None:
    _batch(session, tmp_path)
    out = tmp_path / "out"

    def never(*_a: object, **_k: object) -> object:
        raise AssertionError("nothing may be written")

    with pytest.raises(ValidationError, match="is not a file name for the letters"):
        letter_render.render_batch(session, "1", out, never, name=name)  # type: ignore[arg-type]
    assert not out.exists()


def test_a_batch_blocked_by_an_unapproved_template_says_which(
        new_desk_session: Session, tmp_path: Path) -> None:
    session = new_desk_session
    letter_desk(session)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(3)))
    add_codes(session, tmp_path, 3)
    [batch] = [s for s in pipeline.overview(session).steps if s.key == "batch"]
    assert batch.state is pipeline.StepState.BLOCKED
    assert "patient-notification-en" in batch.reason
    assert "approved" in batch.reason
    with pytest.raises(UserError, match="patient-notification-en"):
        letter_service.create_batch(session)  # the page's reason is the batch's own refusal


def test_the_pipeline_counts_read_an_index_not_the_patient_rows(session: Session) -> None:
    """At 100,000 recipients reading every row took seconds; the index answers alone."""
    for sql in ("SELECT variant, count(*) FROM recipients WHERE incident_id = ? AND "
                "outcome = 'letter' GROUP BY 1",
                "SELECT r.variant, r.language, count(*) FROM recipients r WHERE "
                "r.incident_id = ? AND r.outcome = 'letter' AND NOT EXISTS (SELECT 1 FROM "
                "letters l WHERE l.recipient_id = r.id) GROUP BY 1, 2"):
        plan = " ".join(str(r[3]) for r in session.db.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                              ["x"]))
        assert "COVERING INDEX idx_recipients_pipeline" in plan

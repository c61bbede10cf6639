"""Calling trees and activations through the services, on a real encrypted desk."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crisisdesk.domain.call_outcomes import Outcome, Status
from crisisdesk.domain.errors import ImportRejected, NeedsConfirmation, NotFound, ValidationError
from crisisdesk.services import messages as message_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.calling_trees import activations as activations
from crisisdesk.services.calling_trees import files as tree_files
from crisisdesk.services.calling_trees import reports as reports
from crisisdesk.services.calling_trees import trees as trees
from crisisdesk.services.session import Session
from crisisdesk.store import activations as activation_store
from crisisdesk.store import audit as audit_store
from tests.support.crisis import NOW, freeze, open_incident, staff

START = {"message": "Our systems are down.", "action": "Use the paper forms.",
         "report_back_to": "the command center", "values": {"staff_hotline": "312-555-0100"}}


@pytest.fixture
def people(session: Session) -> dict[str, str]:
    freeze(session)
    names = ["Lee Lead", "Ann Able", "Bo Baker", "Cy Cole", "Di Dunn", "Ed Eve"]
    return {n.split()[0].lower(): staff(session, n, phone=f"(312) 555-01{i:02d}").id
            for i, n in enumerate(names)}


@pytest.fixture
def tree(session: Session, people: dict[str, str]) -> str:
    """lee -> ann (backup bo) -> cy, di ; lee -> bo -> ed"""
    t = trees.create_tree(session, "All staff")
    trees.add_person(session, t.id, people["lee"])
    trees.add_person(session, t.id, people["ann"], caller_id=people["lee"],
                     backup_id=people["bo"])
    trees.add_person(session, t.id, people["bo"], caller_id=people["lee"])
    trees.add_person(session, t.id, people["cy"], caller_id=people["ann"])
    trees.add_person(session, t.id, people["di"], caller_id=people["ann"])
    trees.add_person(session, t.id, people["ed"], caller_id=people["bo"])
    return t.id


def audits(session: Session) -> list[str]:
    return [e.action for e in audit_store.entries(session.db)]


def test_every_edit_is_one_audited_action_and_bumps_the_version(
        session: Session, people: dict[str, str], tree: str) -> None:
    before = len(audits(session))
    version = trees.get_tree(session, tree).version
    moved = trees.move_person(session, tree, people["di"], caller_id=people["ann"], position=0)
    assert moved.version == version + 1
    assert audits(session)[before:] == ["tree.move"]
    order = [n.contact_id for n in sorted(moved.nodes, key=lambda n: n.position)
             if n.caller_id == people["ann"]]
    assert order == [people["di"], people["cy"]]
    with pytest.raises(ValidationError, match="loop"):
        trees.move_person(session, tree, people["ann"], caller_id=people["cy"])
    removed = trees.remove_person(session, tree, people["ann"])  # cy, di move up to lee
    callers = {n.contact_id: n.caller_id for n in removed.nodes}
    assert callers[people["cy"]] == people["lee"]
    assert callers[people["di"]] == people["lee"]
    assert people["ann"] not in callers
    assert trees.validate(session, tree) == []
    with pytest.raises(ValidationError, match="already in this tree"):
        trees.add_person(session, tree, people["cy"])


def test_fan_out_setting_drives_the_validation_panel(session: Session, tree: str) -> None:
    from crisisdesk.services import settings as settings_service

    settings_service.set(session, "tree_fan_out_limit", 1)
    problems = trees.validate(session, tree)
    assert {p.kind for p in problems} == {"fan_out"}
    assert len(problems) == 2


def test_activation_uses_the_approved_script_logs_it_and_adds_a_timeline_entry(
        session: Session, tree: str) -> None:
    open_incident(session)
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    approved = template_service.require_approved(session, "calling-tree-script-en")
    assert (act.template_key, act.template_version) == ("calling-tree-script-en",
                                                         approved.version)
    assert "Our systems are down." in act.script
    assert "(312) 555-0100" in act.script
    log = message_service.communication_log(session)
    assert log[-1].id == act.message_log_id
    assert log[-1].template_key == act.template_key
    assert log[-1].recipient_count == 6
    texts = [e.text for e in timeline_service.latest_entries(session)]
    assert "Calling tree All staff activated: 6 people to call" in texts
    assert audits(session)[-1] == "activation.start"


def test_activation_needs_every_script_value(session: Session, tree: str) -> None:
    with pytest.raises(ValidationError, match="staff_hotline"):
        activations.start_activation(session, tree, message="m", action="a", report_back_to="r")
    assert activations.list_activations(session) == []


def test_the_activation_is_a_frozen_copy(session: Session, people: dict[str, str],
                                         tree: str) -> None:
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    trees.remove_person(session, tree, people["ed"])
    trees.move_person(session, tree, people["cy"], caller_id=people["bo"])
    frozen = {p.contact_id: p.caller_id for p in activations.view(session, act.id).people}
    assert frozen[people["ed"]] == people["bo"]
    assert frozen[people["cy"]] == people["ann"]


def test_recording_calls_voicemail_then_reached_and_counts(
        session: Session, people: dict[str, str], tree: str) -> None:
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    rec = activations.record_call(session, act.id, people["lee"], Outcome.VOICEMAIL)
    assert rec.state.status is Status.ATTEMPTED
    assert (rec.counts.reached, rec.counts.attempted, rec.counts.not_called) == (0, 1, 5)
    rec = activations.record_call(session, act.id, people["lee"], Outcome.REACHED,
                                  number="(312) 555-0100", note="read it back")
    assert rec.state.status is Status.REACHED
    assert rec.attempt.number == "+13125550100"
    assert rec.counts.reached == 1
    # committed at once: a second connection (another process, after a kill) sees it
    other = session.for_thread()
    try:
        assert activation_store.states(other.db, act.id)[people["lee"]].status is Status.REACHED
    finally:
        other.close()
    with pytest.raises(ValidationError, match="not one of this person's numbers"):
        activations.record_call(session, act.id, people["ann"], Outcome.BUSY,
                                number="999-555-0000")


def test_a_mistaken_entry_is_corrected_by_a_new_one(session: Session, people: dict[str, str],
                                                    tree: str) -> None:
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    wrong = activations.record_call(session, act.id, people["cy"], Outcome.REACHED)
    fixed = activations.record_call(session, act.id, people["cy"], Outcome.NO_ANSWER,
                                    corrects=wrong.attempt.id)
    assert fixed.state.status is Status.ATTEMPTED
    assert fixed.counts.reached == 0
    assert len(activation_store.attempts(session.db, act.id, people["cy"])) == 2


def test_unavailable_caller_moves_their_people_and_the_coordinator_can_undo(
        session: Session, people: dict[str, str], tree: str) -> None:
    open_incident(session)
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    rec = activations.record_call(session, act.id, people["ann"], Outcome.UNAVAILABLE)
    assert rec.reassigned == 2
    queue = [p.contact_id for p, _ in activations.my_calls(session, act.id, people["bo"])]
    assert queue == [people["cy"], people["di"], people["ed"]]
    assert any("Ann Able is unavailable" in e.text
               for e in timeline_service.latest_entries(session))
    assert activations.mark_caller(session, act.id, people["ann"], available=True) == 2
    queue = [p.contact_id for p, _ in activations.my_calls(session, act.id, people["bo"])]
    assert queue == [people["ed"]]


def test_closing_keeps_a_report_and_refuses_more_calls(session: Session,
                                                       people: dict[str, str],
                                                       tree: str) -> None:
    first = activations.start_activation(session, tree, drill=True, **START)  # type: ignore[arg-type]
    for i, cid in enumerate(people.values()):
        freeze(session, NOW + dt.timedelta(minutes=i + 1))
        activations.record_call(session, first.id, cid, Outcome.REACHED)
    reports.close_activation(session, first.id)
    freeze(session, NOW + dt.timedelta(hours=2))
    second = activations.start_activation(session, tree, drill=True, **START)  # type: ignore[arg-type]
    assert "This is a drill." in second.script
    freeze(session, NOW + dt.timedelta(hours=2, minutes=4))
    activations.record_call(session, second.id, people["lee"], Outcome.REACHED)
    activations.record_call(session, second.id, people["ann"], Outcome.WRONG_NUMBER)
    summary = reports.close_activation(session, second.id)
    assert (summary["reached"], summary["total"], summary["duration_minutes"]) == (1, 6, 4.0)
    never = {p["name"]: p["why"] for p in summary["never_reached"]}
    assert never["Bo Baker"] == "never called"
    assert "wrong number" in never["Ann Able"]
    report = reports.report(session, second.id)
    assert report["earlier_drills"][0]["milestones"] == {"50": 3.0, "90": 6.0, "100": 6.0}
    with pytest.raises(ValidationError, match="closed"):
        activations.record_call(session, second.id, people["bo"], Outcome.REACHED)
    assert reports.open_activations(session) == []


def test_dashboard_summary_names_open_activations(session: Session, people: dict[str, str],
                                                  tree: str) -> None:
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    activations.record_call(session, act.id, people["lee"], Outcome.REACHED)
    [line] = reports.open_activations(session)
    assert line.activation_id == act.id
    assert line.text.startswith("Calling tree All staff: 1 of 6 reached (17%), 5 open")
    [(label, value)] = reports.dashboard_summary(session).rows
    assert label == "Calling tree All staff"
    assert value.startswith("1 of 6 reached (17%)")


def test_import_export_round_trip_and_bad_rows(session: Session, people: dict[str, str],
                                               tree: str, tmp_path: Path) -> None:
    out = tmp_path / "tree.csv"
    assert tree_files.export_tree_csv(session, tree, out) == 6
    copy = tree_files.import_tree(session, out, name="Copy")
    original = trees.get_tree(session, tree)
    assert sorted(copy.nodes, key=lambda n: n.contact_id) == sorted(
        original.nodes, key=lambda n: n.contact_id)
    bad = tmp_path / "bad.csv"
    bad.write_text("person,caller,backup\nLee Lead,,\nNo Such Person,Lee Lead,\n"
                   "Ann Able,Lee Lead,Ann Able\n", encoding="utf-8")
    before = trees.list_trees(session)
    with pytest.raises(ImportRejected) as caught:
        tree_files.import_tree(session, bad, name="Bad")
    assert [p.line for p in caught.value.problems] == [3, 4]
    assert trees.list_trees(session) == before
    vcf = tmp_path / "tree.vcf"
    assert tree_files.export_tree_vcard(session, tree, vcf) == 6
    assert vcf.read_text("utf-8").count("BEGIN:VCARD") == 6
    assert "TEL;TYPE=MOBILE:+1312" in \
        vcf.read_text("utf-8")


def test_stale_contacts_are_those_no_call_has_confirmed(
        session: Session, people: dict[str, str], tree: str) -> None:
    assert len(reports.stale_contacts(session)) == 6  # never verified
    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    activations.record_call(session, act.id, people["lee"], Outcome.REACHED)
    stale = {s.name for s in reports.stale_contacts(session)}
    assert "Lee Lead" not in stale
    assert len(stale) == 5
    freeze(session, NOW + dt.timedelta(days=181))
    assert "Lee Lead" in {s.name for s in reports.stale_contacts(session)}
    assert "Lee Lead" not in {s.name for s in reports.stale_contacts(session, days=365)}


def test_unknown_things_are_clear_errors(session: Session, tree: str) -> None:
    with pytest.raises(NotFound, match="No calling tree"):
        trees.get_tree(session, "Nope")
    with pytest.raises(NotFound, match="No activation"):
        activations.get_activation(session, "nope")
    empty = trees.create_tree(session, "Empty")
    with pytest.raises(ValidationError, match="nobody in it"):
        activations.start_activation(session, empty.id, **START)  # type: ignore[arg-type]


def sheets_pdf_text(session: Session, tree: str, path: Path) -> list[str]:
    from pypdf import PdfReader

    from crisisdesk.printing.calling_tree_paper import paper_html
    from crisisdesk.printing.pdf import html_to_pdf
    from crisisdesk.services.calling_trees import paper as tree_paper

    html, title = paper_html(tree_paper.tree_paper(session, tree), "sheets")
    html_to_pdf(html, path, title=title)
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


def test_call_sheets_before_activation_carry_the_script_with_marked_blanks(
        session: Session, tree: str, tmp_path: Path) -> None:
    """No activation running: each sheet has the approved script, the desk's own facts filled
    in and a marked blank for each fact only known on the day, never an empty box."""
    from crisisdesk.services import settings as settings_service
    from crisisdesk.services.calling_trees.paper import script_to_complete

    text, blanks, source = script_to_complete(session)  # no hotline set: a blank stands in
    assert "call [STAFF HOTLINE NUMBER: ______________]." in text
    assert "201" not in text
    assert len(blanks) == 5
    assert all(b in text for b in blanks)
    assert source.endswith("v1")
    settings_service.set(session, "staff_hotline", "312-555-0150")
    pages = sheets_pdf_text(session, tree, tmp_path / "before.pdf")
    sheets = [p for p in pages if "Call sheet: " in p]
    assert len(sheets) == 4  # the coordinator, Lee, Ann and Bo
    for text in sheets:
        squashed = text.replace(" ", "")  # pypdf splits some bold words and wrapped names
        assert "SCRIPT TO COMPLETE" in text
        assert "calling-tree-script-env1" in squashed
        assert "CALL SCRIPT: read this word for word." in text
        assert "from Riverside Clinics" in text  # a known fact, filled in
        assert "call (312) 555-0150" in text
        assert "[STAFF HOTLINE" not in text
        for blank in ("[THE MESSAGE, WORD FOR WORD:", "[WHAT THEY MUST DO:",
                      "[REPORT BACK TO, NAME AND NUMBER:", "[IF THIS IS A DRILL, SAY:"):
            assert blank.replace(" ", "") in squashed, blank
        assert "write down the message you were given" not in text

    act = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    running = [p for p in sheets_pdf_text(session, tree, tmp_path / "during.pdf")
               if "Call sheet: " in p]
    for text in running:
        assert "Our systems are down." in text
        assert "Use the paper forms." in text
        assert "SCRIPT TO COMPLETE" not in text
        assert "[THE MESSAGE" not in text
    reports.close_activation(session, act.id)

    template_service.retire(session, "calling-tree-script-en", reason="rewriting it")
    without = [p for p in sheets_pdf_text(session, tree, tmp_path / "none.pdf")
               if "Call sheet: " in p]
    assert all("write down the message you were given" in t for t in without)


@pytest.mark.parametrize(("blank", "named"), [
    ("message", "the message"), ("action", "what people must do"),
    ("report_back_to", "who to report back to")])
def test_a_real_activation_needs_what_the_script_reads_out(
        session: Session, tree: str, blank: str, named: str) -> None:
    with pytest.raises(ValidationError, match=named) as refused:
        activations.start_activation(session, tree, **{**START, blank: "  "})  # type: ignore[arg-type]
    assert set(refused.value.fields) == {blank}
    assert activations.list_activations(session) == []


def test_a_drill_may_leave_the_script_answers_empty(session: Session, tree: str) -> None:
    act = activations.start_activation(session, tree, drill=True, message="", action="",
                                       report_back_to="", values=START["values"])  # type: ignore[arg-type]
    assert act.is_drill
    assert "This is a drill." in act.script


def test_a_second_live_activation_of_one_tree_needs_also(session: Session, tree: str) -> None:
    first = activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    with pytest.raises(NeedsConfirmation, match="already running"):
        activations.start_activation(session, tree, **START)  # type: ignore[arg-type]
    assert [a.id for a in activations.list_activations(session)] == [first.id]
    second = activations.start_activation(session, tree, also=True, **START)  # type: ignore[arg-type]
    assert {a.id for a in activations.list_activations(session)} == {first.id, second.id}
    reports.close_activation(session, first.id)
    reports.close_activation(session, second.id)
    activations.start_activation(session, tree, **START)  # type: ignore[arg-type]

"""`crisisdesk letters` as a user runs it, including a render killed half-way and resumed.

The desk is prepared in-process (fast KDF, so each CLI unlock is cheap); the commands run in
subprocesses exactly as typed.
"""

from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from crisisdesk.services import settings as settings_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.session import Session
from tests.support.cli import cli, cli_env, crisisdesk_command, killable
from tests.support.desk import PASSPHRASE
from tests.support.letters import add_codes, adult_rows, letter_desk, write_list


@pytest.mark.slow
def test_import_errors_by_line_then_status_json(session: Session, tmp_path: Path) -> None:
    letter_desk(session)
    rows = adult_rows(50)
    rows[2] = "Pat,X,1970-13-01,,1 Elm St,Springfield,IL,62701,,,,,,,"
    bad = write_list(tmp_path / "bad.csv", rows)
    session.close()
    out = cli(session.data_dir, "letters", "import", str(bad))
    assert out.returncode == 1
    assert "bad.csv: line 4: the birth date '1970-13-01' is not a date" in out.stderr
    assert "Nothing was imported" in out.stderr
    out = cli(session.data_dir, "letters", "status", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["summary"]["recipients"] == 0


@pytest.mark.slow
def test_a_thousand_rows_with_400_zip_zero_import_whole_and_count(session: Session,
                                                                   tmp_path: Path) -> None:
    letter_desk(session)
    rows = [*adult_rows(600, state="TX", zip_code="75201"),
            *(f"Zed{i},Nozip{i},1971-02-01,,{i} Oak St,Austin,TX,0,,,,,,," for i in range(400))]
    path = write_list(tmp_path / "ehr.csv", rows)
    session.close()
    out = cli(session.data_dir, "letters", "import", str(path))
    assert out.returncode == 0, out.stderr
    assert ("1,000 people: 600 with a usable address, 400 insufficient address (substitute "
            "notice), 0 set aside; counted in the incident: 1,000.") in out.stdout
    assert "with a toll-free number" in out.stdout
    out = cli(session.data_dir, "letters", "status", "--json")
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["affected"] == {"by_state": {"TX": 1000}, "unknown_residence": 0,
                                  "total": 1000}
    assert status["classification"]["insufficient"] == 400
    assert status["substitute_notice"] == "web_or_media"
    assert (status["substitute"]["kind"], status["substitute"]["people"]) == ("10-or-more", 400)
    out = cli(session.data_dir, "incident", "show", "--json")
    assert out.returncode == 0, out.stderr
    shown = json.loads(out.stdout)
    assert (shown["affected_by_state"], shown["total_affected"]) == ({"TX": 1000}, 1000)


@pytest.mark.slow
def test_render_killed_half_way_resumes_without_duplicates(session: Session,
                                                           tmp_path: Path) -> None:
    letter_desk(session)
    settings_service.set(session, "letters_per_file", 10)
    letter_service.import_recipients(session, write_list(tmp_path / "l.csv", adult_rows(100)))
    letter_service.classify_recipients(session)
    add_codes(session, tmp_path, 100)
    letter_service.create_batch(session)
    session.close()
    out_dir = tmp_path / "pdf"
    rendering = crisisdesk_command(session.data_dir, "letters", "render", "1",
                                   "--out", str(out_dir))
    with killable(rendering, cli_env(PASSPHRASE)) as proc:
        deadline = time.monotonic() + 120
        while len(list(out_dir.glob("*.pdf"))) < 2:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the render never wrote a file"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finished = sorted(out_dir.glob("*.pdf"))
    assert 2 <= len(finished) < 10
    out = cli(session.data_dir, "letters", "render", "1", "--out", str(out_dir))
    assert out.returncode == 0, out.stderr
    assert f"({len(finished)} reused" in out.stdout
    assert not list(out_dir.glob(".*.tmp"))
    files = sorted(out_dir.glob("*.pdf"))
    assert len(files) == 10
    references: list[str] = []
    for path in files:
        text = "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)
        references += re.findall(r"Reference\s(CD\d{8})", text)
    assert len(references) == len(set(references)) == 100
    out = cli(session.data_dir, "letters", "status", "--json")
    status = json.loads(out.stdout)
    assert status["summary"]["ready"] == 100
    assert status["by_state"]["ALL"] == {"rendered": 100}
    from crisisdesk.services import desk as desk_service

    check = desk_service.unlock(session.data_dir, "alex", PASSPHRASE)
    try:
        codes, letters = check.db.execute(
            "SELECT (SELECT count(*) FROM enrollment_codes WHERE letter_id IS NOT NULL), "
            "(SELECT count(*) FROM letters)").fetchone()
    finally:
        check.close()
    assert codes == letters == 100



@pytest.mark.slow
def test_incident_translate_and_the_translations_listing(session: Session) -> None:
    letter_desk(session)
    session.close()
    out = cli(session.data_dir, "incident", "translate", "--field", "summary", "--lang", "es",
              "alguien entró en nuestra red")
    assert out.returncode == 0, out.stderr
    assert "Saved the es wording of the incident summary" in out.stdout
    listed = cli(session.data_dir, "incident", "translations", "--json")
    rows = {r["field"]: r for r in json.loads(listed.stdout)}
    assert rows["summary"]["text"] == "alguien entró en nuestra red"
    assert rows["hours"]["missing"] is True
    bad = cli(session.data_dir, "incident", "translate", "--field", "summary", "--lang", "es")
    assert bad.returncode == 2
    assert "Give the TEXT" in bad.stderr

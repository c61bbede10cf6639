"""What each printed letter says, read back from the PDF: the person's own information, the
state insert for where they live, and Spanish letters that are Spanish throughout."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crisisdesk.domain.errors import ValidationError
from crisisdesk.services import incident_translations
from crisisdesk.services import incidents as incident_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.store import audit as audit_store
from tests.support.letters import SPANISH, add_codes, letter_desk, spanish_facts
from tests.support.pdf import read

pytest.importorskip("PySide6")

from crisisdesk.printing.letters import open_letter_pdf
from crisisdesk.printing.pdf import ensure_gui_app

HEADER = "FIRST,LAST,BIRTHDATE,ADDRESS,CITY,STATE,ZIP,LANGUAGE,GUARDIAN,DATA ELEMENTS"
ENGLISH_SUMMARY = "someone outside our organization got into part of our network"


def _letters(session: Session, tmp_path: Path, rows: list[str], *, codes: int = 10
             ) -> dict[str, str]:
    """Import `rows`, batch and render them; {first name: that person's letter text}."""
    settings_service.set(session, "letters_per_file", 1)
    _batch(session, tmp_path, rows, codes=codes)
    letter_render.render_batch(session, "1", tmp_path / "out", open_letter_pdf)
    return _rendered(session, tmp_path / "out")


def _batch(session: Session, tmp_path: Path, rows: list[str], *, codes: int = 2,
           spec: letter_service.BatchSpec | None = None) -> None:
    """Import `rows`, classify them for a notice on 6 April 2026 and make batch 1 of them."""
    ensure_gui_app()
    path = tmp_path / "list.csv"
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    letter_service.import_recipients(session, path)
    letter_service.classify_recipients(session, notice_date=dt.date(2026, 4, 6))
    add_codes(session, tmp_path, codes)
    letter_service.create_batch(session, spec=spec)


def _rendered(session: Session, out: Path) -> dict[str, str]:
    """{first name: letter text} of batch 1's files in `out`, one letter a file."""
    firsts = [r[0] for r in session.db.execute(
        "SELECT r.first_name FROM letters l JOIN recipients r ON r.id = l.recipient_id "
        "ORDER BY l.seq")]
    files = sorted(out.glob("letters-*.pdf"))
    assert len(firsts) == len(files)
    return {first: " ".join("\n".join(read(file)[1][1:]).split())  # without the cover
            for first, file in zip(firsts, files, strict=True)}


@pytest.fixture
def desk(session: Session) -> Session:
    letter_desk(session)
    return session


# --- per-recipient information --------------------------------------------------------------

def test_each_letter_names_that_persons_information_in_the_singular(
        desk: Session, tmp_path: Path) -> None:
    letters = _letters(desk, tmp_path, [
        'Ann,Smith,1980-05-01,12 Elm St,Springfield,IL,62701,,,"SSN; DOB; Diagnosis"',
        "Bob,Jones,1981-05-01,13 Elm St,Springfield,IL,62701,,,",
        "Cat,Lee,1982-05-01,14 Elm St,Springfield,IL,62701,,,Driver's License / Pet name",
    ])
    assert ("your Social Security number, date of birth, and diagnosis or treatment "
            "information.") in letters["Ann"]
    assert "your name, address, and date of birth." in letters["Bob"]  # the incident's list
    assert "your driver's license number and Pet name." in letters["Cat"]  # kept as given
    assert "names" not in letters["Bob"]
    assert "addresses" not in letters["Bob"]


# --- state inserts --------------------------------------------------------------------------

STATES = [
    'Mia,Adams,1980-05-01,1 Main St,Boston,MA,02134,,,"SSN, Name"',
    'Carl,Baker,1980-05-01,2 Main St,Hartford,CT,06103,,,"Social Security Number"',
    "Ida,Cole,1980-05-01,3 Main St,Springfield,IL,62701,,,SSN",
    "Max,Dunn,1980-05-01,4 Main St,Worcester,MA,01608,,,Name",
]


def test_massachusetts_gets_police_report_and_freeze_and_no_nature_of_the_breach(
        desk: Session, tmp_path: Path) -> None:
    letters = _letters(desk, tmp_path, STATES)
    ma = letters["Mia"]
    assert "For Massachusetts residents" in ma
    assert "right to get a police report" in ma
    assert "security freeze" in ma
    assert ENGLISH_SUMMARY not in ma
    assert "What happened" not in ma
    for other in ("Carl", "Ida"):  # the others still say what happened
        assert ENGLISH_SUMMARY in letters[other]
        assert "What happened" in letters[other]
    assert "police report" not in letters["Ida"]


def test_ssn_exposure_gives_18_months_in_massachusetts_and_24_in_connecticut(
        desk: Session, tmp_path: Path) -> None:
    letters = _letters(desk, tmp_path, STATES)  # the vendor offers 12 months
    assert "offering you 18 months of free credit monitoring" in letters["Mia"]
    assert "offer you at least 18 months of free credit monitoring" in letters["Mia"]
    assert "offering you 24 months of free credit monitoring" in letters["Carl"]
    assert "It lasts at least 24 months." in letters["Carl"]
    assert "offering you 12 months" in letters["Ida"]  # Illinois sets no minimum
    assert "offering you 12 months" in letters["Max"]  # no SSN: no state minimum
    assert "at least" not in letters["Max"]


def test_a_state_insert_that_is_not_approved_stops_the_letters(
        desk: Session, tmp_path: Path) -> None:
    template_service.retire(desk, "state-insert-ma-en", reason="counsel rewriting it")
    with pytest.raises(template_service.NotApproved, match="Massachusetts residents"):
        _letters(desk, tmp_path, STATES[:1])


# --- Spanish --------------------------------------------------------------------------------

SPANISH_ROWS = [
    'Rosa,Díaz,1980-05-01,5 Oak Ave,Springfield,IL,62701,es,,"SSN; DOB"',
    "Leo,Díaz,2015-03-20,5 Oak Ave,Springfield,IL,62701,es,Rosa Díaz,",
]


def test_a_spanish_letter_has_none_of_the_incidents_english_free_text(
        desk: Session, tmp_path: Path) -> None:
    spanish_facts(desk)
    incident_service.update_incident(desk, None, contained_on=dt.date(2026, 3, 2),
                                     law_enforcement_notified_on=dt.date(2026, 3, 3),
                                     law_enforcement_agency="the State Police")
    incident_translations.set_translation(desk, "law_enforcement_agency", "es",
                                          "la Policía Estatal")
    letters = _letters(desk, tmp_path, SPANISH_ROWS)
    assert letter_service.get_batch(desk, "1").language_note == ""
    incident = incident_service.get_incident(desk)
    english = [incident.summary, str(settings_service.get(desk, "public_hours")),
               str(settings_service.get(desk, "signer_title")), "What happened",
               "Social Security number", "date of birth", "names", "the State Police"]
    for first, text in letters.items():
        assert "Aviso de violación de datos" in text, first
        for phrase in english:
            assert phrase.rstrip(".") not in text, (first, phrase)
        for _, wording in SPANISH:
            assert wording.rstrip(".") in text, (first, wording)
        assert "lo denunciamos ante la Policía Estatal" in text
    assert "su número de Seguro Social y fecha de nacimiento." in letters["Rosa"]
    assert re.search(r"Página 1 de \d", letters["Rosa"])


def test_a_spanish_preference_minor_gets_the_spanish_parent_letter(
        desk: Session, tmp_path: Path) -> None:
    spanish_facts(desk)
    letters = _letters(desk, tmp_path, SPANISH_ROWS)
    keys = {r[0]: r[1] for r in desk.db.execute(
        "SELECT r.first_name, l.template_key FROM letters l JOIN recipients r "
        "ON r.id = l.recipient_id")}
    assert keys == {"Rosa": "patient-notification-es", "Leo": "parent-guardian-notification-es"}
    assert "usted es el padre, la madre o el tutor de Leo Díaz" in letters["Leo"]
    assert "Dear" not in letters["Leo"]


def test_without_spanish_wording_the_batch_says_how_many_letters_are_english_and_why(
        desk: Session, tmp_path: Path) -> None:
    letters = _letters(desk, tmp_path, SPANISH_ROWS)
    batch = letter_service.get_batch(desk, "1")
    assert batch.language_note == (
        "1 Spanish-preference adult letter in English because the incident has no Spanish "
        "wording of the incident summary, help-line hours, signer's title; 1 Spanish-preference "
        "minor letter in English because the incident has no Spanish wording of the incident "
        "summary, help-line hours, signer's title")
    created = [e for e in audit_store.entries(desk.db) if e.action == "letters.batch_create"]
    assert batch.language_note in created[-1].summary
    assert "Notice of Data Breach" in letters["Rosa"]


def test_a_spanish_letter_with_an_english_only_fact_is_refused_naming_it(
        desk: Session, tmp_path: Path) -> None:
    spanish_facts(desk)
    _batch(desk, tmp_path, SPANISH_ROWS[:1])
    incident_translations.clear_translation(desk, "summary", "es")
    with pytest.raises(ValidationError, match=r"incident summary is only in English.*"
                       r"translate --field summary --lang es"):
        letter_render.render_batch(desk, "1", tmp_path / "out", open_letter_pdf)
    assert not list((tmp_path / "out").glob("*.pdf"))


# --- the language-assistance page -----------------------------------------------------------

def test_the_tagline_page_prints_every_language_with_the_shipped_fonts(
        desk: Session, tmp_path: Path) -> None:
    _batch(desk, tmp_path, STATES[2:3], spec=letter_service.BatchSpec(taglines=True))
    report = letter_render.render_batch(desk, "1", tmp_path / "out", open_letter_pdf)
    whole = " ".join(" ".join(read(report.files[0])[1]).split())
    assert whole.count("Language help / Ayuda con el idioma") == 1
    page = whole.split("Language help / Ayuda con el idioma")[1]
    for phrase in ("si habla español", "免費獲得語言援助服務", "Tiếng Việt", "Tagalog",
                   "언어 지원 서비스를 무료로", "на русском языке", "Kreyòl Ayisyen",
                   "parlez français", "Se fala português", "mówisz po polsku",
                   "無料の言語支援", "lingua parlata", "Wenn Sie Deutsch sprechen"):
        assert phrase.replace(" ", "") in page.replace(" ", ""), phrase  # lines may wrap
    # the English line and the 13 languages written left to right (pypdf reorders the RTL ones)
    assert page.count("(833) 555-0142") == 14
    raw = report.files[0].read_bytes()
    assert b"CrisisDeskTaglinesCJK" in raw
    assert b"CrisisDeskTaglinesHangul" in raw


def test_a_spanish_letter_to_a_massachusetts_resident_has_the_insert_in_spanish(
        desk: Session, tmp_path: Path) -> None:
    spanish_facts(desk)
    letters = _letters(desk, tmp_path, [
        'Ana,Ruiz,1980-05-01,1 Main St,Boston,MA,02134,es,,"SSN"'])
    text = letters["Ana"]
    assert "Para residentes de Massachusetts" in text
    assert "informe policial" in text
    assert "por lo menos 18 meses de vigilancia de crédito gratis" in text
    assert "Massachusetts residents" not in text
    assert "Qué pasó" not in text
    assert SPANISH[0][1] not in text  # the nature of the breach, in Spanish too

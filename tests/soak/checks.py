"""What must hold after every kill, checked through the services (SQL only to count rows).

The checker reads the writer's journal: every `ack` must be in the desk as acknowledged, and
every `begin` without an ack must be all-or-nothing. Renders are resumed here, as a user would
after a crash, and the PDFs are read back with pypdf: each letter of the batch exactly once.
"""

from __future__ import annotations

import collections
import hashlib
import logging
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from crisisdesk.domain.templates import Status
from crisisdesk.services import audit as audit_service
from crisisdesk.services import backup as backup_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.credentials import Credentials
from crisisdesk.services.letters import batches as batch_service
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.store import activations as activation_store
from crisisdesk.store import letters as letter_store
from tests.soak import desk as soak_desk
from tests.soak.writer import TEMPLATE, backups_folder, contact_name, letters_folder
from tests.support.desk import PASSPHRASE
from tests.support.pdf import clean

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a broken file is our finding, not noise
REFERENCE = re.compile(r"^Reference (\S+)$", re.MULTILINE)
KEEP_BACKUPS = 3
PROGRESS = {Status.DRAFT: 0, Status.IN_REVIEW: 1, Status.APPROVED: 2, Status.RETIRED: 3}


def pdf_text(path: Path) -> str:
    """The file's text: poppler's pdftotext when installed (about fifty times faster than
    pypdf's extraction, which makes hundreds of kill points affordable), else pypdf."""
    tool = shutil.which("pdftotext")
    if tool is not None:
        out = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                             check=True, timeout=120)
        return clean(out.stdout.decode("utf-8"))
    return "\n".join(clean(page.extract_text() or "") for page in PdfReader(str(path)).pages)


@dataclass
class Findings:
    """Problems found (each one line) and how many writes were lost: acknowledged actions
    missing from the desk, plus letters marked rendered that are not in the files."""

    problems: list[str] = field(default_factory=list)
    lost: int = 0
    acks: int = 0
    seen: set[str] = field(default_factory=set)  # losses reported at earlier kill points

    def lose(self, what: str, key: str = "", count: int = 1) -> None:
        """Count a loss once per run (`key`: the thing lost, when `what` varies)."""
        key = key or what
        if key in self.seen:
            return
        self.seen.add(key)
        self.lost += count
        self.problems.append(f"LOST: {what}")


@dataclass
class Checker:
    data_dir: Path
    work: Path
    lost_before: set[str] = field(default_factory=set)
    read_files: dict[str, tuple[tuple[int, int], collections.Counter[str]]] = field(
        default_factory=dict)  # name -> (size, mtime) and the references read from it
    verified_backups: set[str] = field(default_factory=set)
    pruned_backups: set[str] = field(default_factory=set)

    def check(self, events: list[dict[str, Any]], round_events: list[dict[str, Any]]
              ) -> Findings:
        """Everything acknowledged over the whole run; renders and backups of this round."""
        found = Findings(seen=self.lost_before)
        session = soak_desk.open_as(self.data_dir)
        try:
            self._integrity(session, found)
            acks = [e for e in events if e["t"] == "ack"]
            found.acks = len(acks)
            self._calls(session, acks, found)
            self._timeline(session, acks, found)
            self._imports(session, events, found)
            self._batches(session, acks, found)
            self._templates(session, acks, found)
            self._renders(session, events, round_events, found)
            self._backups(events, found)
        finally:
            session.close()
        return found

    # -- the desk file and its log ----------------------------------------------------------
    def _integrity(self, session: Session, found: Findings) -> None:
        db = session.db
        for pragma in ("integrity_check", "cipher_integrity_check"):
            rows = [str(r[0]) for r in db.execute(f"PRAGMA {pragma}").fetchall()]
            bad = [r for r in rows if r.lower() != "ok"]
            if bad:
                found.problems.append(f"PRAGMA {pragma}: {bad[0]} ({len(bad)} problems)")
        chain = audit_service.verify(session)
        if not chain.ok:
            found.problems.append(f"audit chain broken: {chain.problem}")

    # -- acknowledged single writes ---------------------------------------------------------
    def _calls(self, session: Session, acks: list[dict[str, Any]], found: Findings) -> None:
        wanted = [a for a in acks if a["kind"] == "call"]
        if not wanted:
            return
        saved = {}
        for activation in activation_service.list_activations(session):
            saved.update({a.id: a for a in activation_store.attempts(session.db, activation.id)})
        for ack in wanted:
            attempt = saved.get(ack["id"])
            if attempt is None or attempt.contact_id != ack["contact"]:
                found.lose(f"call {ack['tag']} (attempt {ack['id']})")

    def _timeline(self, session: Session, acks: list[dict[str, Any]], found: Findings) -> None:
        wanted = [a for a in acks if a["kind"] == "timeline"]
        if not wanted:
            return
        entries = {line.entry.id: line.entry.text
                   for line in timeline_service.list_entries(session)}
        for ack in wanted:
            if entries.get(ack["id"]) != ack["text"]:
                found.lose(f"timeline entry {ack['tag']}")

    def _imports(self, session: Session, events: list[dict[str, Any]], found: Findings) -> None:
        """Every import begun holds all its rows or none; an acknowledged one holds all."""
        acked = {(e["kind"], e["tag"]) for e in events if e["t"] == "ack"}
        for event in events:
            if event["t"] != "begin" or event["kind"] not in ("contacts", "recipients"):
                continue
            if event["kind"] == "contacts":
                like = contact_name(event["tag"], 0)[:-1] + "%"
                sql = "SELECT count(*) FROM contacts WHERE name LIKE ?"
            else:
                like = f"S{event['tag']}x%"
                sql = "SELECT count(*) FROM recipients WHERE name LIKE ?"
            count = int(session.db.execute(sql, [like]).fetchone()[0])
            rows = int(event["rows"])
            if (event["kind"], event["tag"]) in acked:
                if count != rows:
                    found.lose(f"{event['kind']} import {event['tag']}: {count} of {rows} rows")
            elif count not in (0, rows):
                found.problems.append(f"half {event['kind']} import {event['tag']}: "
                                      f"{count} of {rows} rows")

    def _batches(self, session: Session, acks: list[dict[str, Any]], found: Findings) -> None:
        batches = {b.number: b for b in batch_service.list_batches(session)}
        for batch in batches.values():
            seqs = [int(r[0]) for r in session.db.execute(
                "SELECT seq FROM letters WHERE batch_id = ? ORDER BY seq", [batch.id])]
            if seqs != list(range(1, batch.letter_count + 1)):
                found.problems.append(f"half batch {batch.number}: {len(seqs)} letters of "
                                      f"{batch.letter_count}")
        for ack in (a for a in acks if a["kind"] == "batch"):
            made = batches.get(int(ack["number"]))
            if made is None or made.letter_count != int(ack["letters"]):
                found.lose(f"letter batch {ack['number']} ({ack['tag']})")
        doubled = session.db.execute(
            "SELECT count(*) FROM (SELECT recipient_id FROM letters GROUP BY recipient_id "
            "HAVING count(*) > 1)").fetchone()[0]
        if doubled:
            found.problems.append(f"{doubled} recipients have more than one letter")

    def _templates(self, session: Session, acks: list[dict[str, Any]], found: Findings) -> None:
        need = {"template_draft": Status.DRAFT, "template_submit": Status.IN_REVIEW,
                "template_approve": Status.APPROVED}
        for ack in (a for a in acks if a["kind"] in need):
            try:
                version = template_service.get_version(session, TEMPLATE, int(ack["version"]))
            except Exception:
                found.lose(f"{ack['kind']} {ack['tag']} (version {ack['version']} missing)")
                continue
            if PROGRESS[version.status] < PROGRESS[need[ack["kind"]]]:
                found.lose(f"{ack['kind']} {ack['tag']}: version {ack['version']} is "
                           f"{version.status.value}")
            if ack["kind"] == "template_draft" and ack["marker"] not in version.body:
                found.lose(f"template edit {ack['tag']}: its text is not in version "
                           f"{ack['version']}")

    # -- files ------------------------------------------------------------------------------
    def _renders(self, session: Session, events: list[dict[str, Any]],
                 round_events: list[dict[str, Any]], found: Findings) -> None:
        """Acknowledged renders' files are whole; every render begun this round resumes to
        exactly one letter per recipient of its batch, in files pypdf opens."""
        from crisisdesk.printing.letters import open_letter_pdf
        from crisisdesk.printing.pdf import ensure_gui_app

        ensure_gui_app()
        folder = letters_folder(self.work)
        for ack in (a for a in events if a["t"] == "ack" and a["kind"] == "render"):
            for name in ack["files"]:
                path = folder / name
                if not path.exists() or path.stat().st_size == 0:
                    found.lose(f"rendered file {name} ({ack['tag']}) is missing or empty",
                               key=f"{name} whole", count=0)  # its letters count below
        touched = sorted({int(e["number"]) for e in round_events
                          if e["t"] == "begin" and e["kind"] == "render"})
        for number in touched:
            batch = batch_service.get_batch(session, str(number))
            report = letter_render.render_batch(session, str(number), folder, open_letter_pdf)
            refs = collections.Counter[str]()
            for path in report.files:
                try:
                    refs.update(self._references(path))
                except Exception as exc:
                    found.lose(f"{path.name} does not open: {exc}", key=f"{path.name} opens",
                               count=0)
            expected = collections.Counter(str(r[0]) for r in session.db.execute(
                "SELECT reference FROM letters WHERE batch_id = ?", [batch.id]))
            if refs != expected:
                missing = sum((expected - refs).values())
                extra = sum((refs - expected).values())
                found.lose(f"batch {number} resumed to {sum(refs.values())} letters for "
                           f"{batch.letter_count} recipients ({missing} missing, {extra} extra)",
                           key=f"batch {number} letters", count=missing)
                if extra:
                    found.problems.append(f"batch {number}: {extra} letters printed twice")
            for part, row in letter_store.rendered_files(session.db, batch.id).items():
                path = folder / str(row["name"])  # what the desk recorded is what is on disk
                if not path.exists() or path.stat().st_size != row["bytes"] or hashlib.sha256(
                        path.read_bytes()).hexdigest() != row["sha256"]:
                    found.lose(f"batch {number} part {part}: {path.name} differs from its "
                               "recorded size and SHA-256", key=f"{path.name} recorded",
                               count=0)
            pending = session.db.execute(
                "SELECT count(*) FROM letters WHERE batch_id = ? AND status = 'pending'",
                [batch.id]).fetchone()[0]
            if pending:
                found.problems.append(f"batch {number}: {pending} letters not marked rendered "
                                      "after a completed render")

    def _references(self, path: Path) -> collections.Counter[str]:
        """The letter references in a rendered file (read again only when it changed)."""
        stat = path.stat()
        key = (stat.st_size, stat.st_mtime_ns)
        known = self.read_files.get(path.name)
        if known is not None and known[0] == key:
            return known[1]
        pages = len(PdfReader(str(path)).pages)  # pypdf must open every file we wrote
        if pages == 0:
            raise ValueError("no pages")
        refs = collections.Counter(REFERENCE.findall(pdf_text(path)))
        self.read_files[path.name] = (key, refs)
        return refs

    def _backups(self, events: list[dict[str, Any]], found: Findings) -> None:
        """Every acknowledged backup, and any backup file a killed run left, verifies; the
        verified ones but the newest few are then removed (each is a whole copy of the desk)."""
        acked = {e["path"] for e in events if e["t"] == "ack" and e["kind"] == "backup"}
        present = {str(p) for p in backups_folder(self.work).glob("*.crisisdesk-backup")}
        for path in sorted(acked - present - self.pruned_backups):
            found.lose(f"backup {Path(path).name} is missing")
        credentials = Credentials(soak_desk.OPERATOR, PASSPHRASE)
        for path in sorted(present - self.verified_backups):
            try:
                report = backup_service.verify_backup(Path(path), credentials)
                problems = report.problems
            except Exception as exc:  # a backup that does not open
                problems = [str(exc)]
            if problems:
                (found.lose if path in acked else found.problems.append)(
                    f"backup {Path(path).name} does not verify: {problems[0]}")
            else:
                self.verified_backups.add(path)
        verified = sorted(present & self.verified_backups, key=lambda p: Path(p).stat().st_mtime)
        for path in verified[:-KEEP_BACKUPS]:
            Path(path).unlink()
            self.pruned_backups.add(path)

"""The soak writer: acts on the desk through the services, as the CLI and GUI do, until it is
killed. Run as `python -m tests.soak.writer DATA_DIR WORK_DIR JOURNAL ROUND SEED`.

Each action is journalled `begin` before it starts and `ack` after the service returned.
The writer holds the desk lock the way the app does, so a restart after a kill proves the
lock a dead process leaves behind does not block anyone.
"""

from __future__ import annotations

import csv
import random
import sys
from collections.abc import Callable
from pathlib import Path

from crisisdesk.domain.call_outcomes import Outcome
from crisisdesk.domain.errors import DeskAlreadyOpen, UserError
from crisisdesk.domain.templates import Status
from crisisdesk.services import backup as backup_service
from crisisdesk.services import templates as template_service
from crisisdesk.services import timeline as timeline_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.contact_import import import_contacts
from crisisdesk.services.letters import batches as batch_service
from crisisdesk.services.letters import imports as recipient_imports
from crisisdesk.services.letters import render as letter_render
from crisisdesk.services.session import Session
from crisisdesk.store.lock import DeskLock
from tests.soak import desk as soak_desk
from tests.soak.journal import Journal
from tests.support.letters import HEADER

TEMPLATE = "staff-notice-en"
OUTCOMES = (Outcome.NO_ANSWER, Outcome.VOICEMAIL, Outcome.BUSY, Outcome.REACHED)
MIX = (("call", 30), ("timeline", 20), ("contacts", 7), ("recipients", 10), ("batch", 8),
       ("render", 12), ("template", 8), ("backup", 5))
MAX_ACTIONS = 5_000


def letters_folder(work: Path) -> Path:
    return work / "letters"


def backups_folder(work: Path) -> Path:
    return work / "backups"


def recipient_first(tag: str, i: int) -> str:
    return f"S{tag}x{i}"


def contact_name(tag: str, i: int) -> str:
    return f"Soak{tag} Person{i}"


class Writer:
    def __init__(self, data_dir: Path, work: Path, journal: Journal, round_no: int,
                 rng: random.Random) -> None:
        self.data_dir, self.work, self.journal, self.rng = data_dir, work, journal, rng
        self.round = round_no
        self.session = soak_desk.open_as(data_dir)
        self._approver: Session | None = None
        activation = activation_service.list_activations(self.session)[0]
        self.activation = activation.id
        self.people = [p.contact_id for p in
                       activation_service.view(self.session, self.activation).people]
        self.n = 0
        (work / "files").mkdir(parents=True, exist_ok=True)
        backups_folder(work).mkdir(parents=True, exist_ok=True)

    @property
    def approver(self) -> Session:
        if self._approver is None:
            self._approver = soak_desk.open_as(self.data_dir, soak_desk.APPROVER,
                                               soak_desk.APPROVER_PASSPHRASE)
        return self._approver

    def tag(self) -> str:
        return f"r{self.round}n{self.n}"

    # -- the actions ----------------------------------------------------------------------
    def call(self, tag: str) -> None:
        who = self.rng.choice(self.people)
        self.journal.begin("call", tag=tag)
        done = activation_service.record_call(self.session, self.activation, who,
                                              self.rng.choice(OUTCOMES), note=f"soak {tag}")
        self.journal.ack("call", tag=tag, id=done.attempt.id, contact=who)

    def timeline(self, tag: str) -> None:
        text = f"Soak note {tag}"
        self.journal.begin("timeline", tag=tag)
        entry = timeline_service.add_entry(self.session, text)
        self.journal.ack("timeline", tag=tag, id=entry.id, text=text)

    def contacts(self, tag: str) -> None:
        rows = self.rng.randint(5, 400)
        path = self.work / "files" / f"contacts-{tag}.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["Name", "Organisation", "Mobile"])
            for i in range(rows):
                out.writerow([contact_name(tag, i), "Soak Org",
                              f"({200 + i % 700}) 555-{i % 10000:04d}"])
        self.journal.begin("contacts", tag=tag, rows=rows)
        report = import_contacts(self.session, path)
        self.journal.ack("contacts", tag=tag, rows=rows, imported=report.imported)
        path.unlink()

    def recipients(self, tag: str) -> None:
        rows = self.rng.randint(1, 12)
        path = self.work / "files" / f"recipients-{tag}.csv"
        lines = [f"{recipient_first(tag, i)},Tester,1970-01-{1 + i % 28:02d},,{100 + i} Elm St,"
                 f"Springfield,IL,62701,,,,,,," for i in range(rows)]
        path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
        self.journal.begin("recipients", tag=tag, rows=rows)
        report = recipient_imports.import_recipients(self.session, path)
        self.journal.ack("recipients", tag=tag, rows=rows, imported=report.imported,
                         import_id=report.import_id)
        path.unlink()

    def batch(self, tag: str) -> None:
        self.journal.begin("batch", tag=tag)
        try:
            made = batch_service.create_batch(self.session)
        except UserError as exc:  # nobody left without a letter
            self.journal.write("refused", "batch", tag=tag, reason=str(exc))
            return
        self.journal.ack("batch", tag=tag, number=made.number, letters=made.letter_count)

    def render(self, tag: str) -> None:
        from crisisdesk.printing.letters import open_letter_pdf

        batches = batch_service.list_batches(self.session)
        if not batches:
            return self.batch(tag)
        waiting = [b for b in batches if not b.rendered_at]
        chosen = self.rng.choice(waiting or batches)
        self.journal.begin("render", tag=tag, number=chosen.number)
        report = letter_render.render_batch(self.session, str(chosen.number),
                                            letters_folder(self.work), open_letter_pdf)
        self.journal.ack("render", tag=tag, number=chosen.number, letters=report.letters,
                         files=[p.name for p in report.files], reused=report.reused_files)
        return None

    def template(self, tag: str) -> None:
        """One step of a template's life: edit, submit, or approve (by the second person)."""
        latest = template_service.get_version(self.session, TEMPLATE)
        if latest.status is Status.DRAFT:
            self.journal.begin("template_submit", tag=tag, version=latest.version)
            template_service.submit(self.session, TEMPLATE, latest.version)
            self.journal.ack("template_submit", tag=tag, version=latest.version)
        elif latest.status is Status.IN_REVIEW:
            self.journal.begin("template_approve", tag=tag, version=latest.version)
            template_service.approve(self.approver, TEMPLATE, latest.version,
                                     acknowledge_warnings=True)
            self.journal.ack("template_approve", tag=tag, version=latest.version)
        else:
            marker = f"Soak revision {tag}."
            body = latest.body.rstrip("\n") + f"\n\n{marker}\n"
            self.journal.begin("template_draft", tag=tag, marker=marker)
            saved = template_service.save_draft(self.session, TEMPLATE, body)
            self.journal.ack("template_draft", tag=tag, version=saved.version, marker=marker)

    def backup(self, tag: str) -> None:
        target = backups_folder(self.work) / f"soak-{tag}.crisisdesk-backup"
        self.journal.begin("backup", tag=tag, path=str(target))
        info = backup_service.create_backup(self.session, target)
        self.journal.ack("backup", tag=tag, path=str(info.path), backup_id=info.backup_id)

    # -- the loop -------------------------------------------------------------------------
    def run(self, actions: int) -> None:
        names, weights = zip(*MIX, strict=True)
        chosen: dict[str, Callable[[str], None]] = {n: getattr(self, n) for n in names}
        for _ in range(actions):
            self.n += 1
            kind = self.rng.choices(names, weights)[0]
            tag = self.tag()
            try:
                chosen[kind](tag)
            except UserError as exc:  # a refusal the user would see as one line
                self.journal.write("refused", kind, tag=tag, reason=str(exc))


def main(argv: list[str]) -> int:
    data_dir, work, journal_path = Path(argv[0]), Path(argv[1]), Path(argv[2])
    round_no, seed = int(argv[3]), int(argv[4])
    actions = int(argv[5]) if len(argv) > 5 else MAX_ACTIONS
    from crisisdesk.paths import DeskPaths
    from crisisdesk.printing.pdf import ensure_gui_app

    ensure_gui_app()
    journal = Journal(journal_path)
    lock = DeskLock(DeskPaths(data_dir).lock_file)
    try:
        lock.acquire()
    except DeskAlreadyOpen as exc:
        journal.write("lock_refused", reason=str(exc))
        print(exc, file=sys.stderr)
        return 3
    try:
        writer = Writer(data_dir, work, journal, round_no, random.Random(seed))
    except UserError as exc:  # e.g. a full disk: refused in one line, nothing to act on
        journal.write("start_refused", reason=str(exc))
        print(exc, file=sys.stderr)
        return 2
    journal.write("ready", round=round_no)
    writer.run(actions)
    journal.write("done", round=round_no)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

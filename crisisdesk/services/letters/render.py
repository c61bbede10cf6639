"""Rendering a batch to print-ready files: streamed, split, resumable, from approved templates.

Each letter is filled from the version of the approved template the batch recorded (checked
again through `require_approved`, so a changed or retired version stops the run) and handed
to a file writer that `printing/` supplies (services never import Qt). Letters stream from the
database one at a time into files of `letters_per_file` letters, each written beside its final
name, read back and renamed only when it holds every page (a full disk never passes for a
rendered file). Each proven file is recorded with its size and SHA-256, and its letters marked
rendered, in one action before it takes its name; the split is fixed when the batch is created,
so a cancelled, killed or disk-full run resumes by reusing exactly the files that still match
their record and rendering the rest: no letter is printed twice or lost. A last action marks
the batch rendered.

At mail-house scale (hundreds of thousands of letters) two things keep it fast. Each distinct
body is filled once and only the person fields are swapped in per letter (`fill.BodyCache`),
and with a `printer` (worker processes, `printing.letter_workers`) whole parts are written on
every core at once: this process still fills the letters and records each part, in one
action, once its worker has proven it, and only then gives it its name, so the resume rules
above hold whichever order the parts finish in.
"""

from __future__ import annotations

import math
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crisisdesk.domain.envelopes import STOCKS, window_for
from crisisdesk.domain.errors import Cancelled, UserError, ValidationError
from crisisdesk.domain.letter_pages import CoverSheet, LetterContent, LetterLayout
from crisisdesk.domain.letters import Letter, LetterStatus
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.files.walk import IsCancelled, Progress
from crisisdesk.services.letters.batches import TAGLINES_TEMPLATE, Batch, get_batch
from crisisdesk.services.letters.fill import BodyCache, person_values
from crisisdesk.services.letters.values import LetterValues
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import incidents as incident_store
from crisisdesk.store import letters as store
from crisisdesk.store.files import (
    DiskFull,
    FileNotProven,
    cannot_write,
    file_digest,
    is_disk_full,
    looks_full,
    matches_digest,
    move_into_place,
)


class LetterFile(Protocol):
    def add(self, letter: LetterContent) -> int: ...


class OpenLetterFile(Protocol):
    """Opens one output file; `proven(tmp)` is called once the finished file has been read
    back, before it is renamed into place (see `printing.letters.open_letter_pdf`)."""

    def __call__(self, path: Path, layout: LetterLayout, cover: CoverSheet | None,
                 proven: Callable[[Path], None] | None = None
                 ) -> AbstractContextManager[LetterFile]: ...


@dataclass
class RenderReport:
    files: list[Path]
    letters: int
    reused_files: int
    seconds: float


def letter_layout(session: Session) -> LetterLayout:
    """The envelope window and letterhead from the desk settings."""
    stock = str(settings_service.get(session, "envelope_stock"))
    window = window_for(stock, str(settings_service.get(session, "envelope_window")))
    label = STOCKS[stock][0] if stock in STOCKS else f"custom window {window.text()} in"
    return LetterLayout(window, settings_service.display_org(session),
                        str(settings_service.get(session, "public_postal_address")),
                        str(settings_service.get(session, "letterhead_logo")), label)


class LetterFiller:
    """Fills a batch's approved templates for one letter at a time."""

    def __init__(self, session: Session, batch: Batch) -> None:
        self.session = session
        self.approved: dict[tuple[str, int], template_service.ApprovedTemplate] = {}
        for slot, chosen in batch.templates.items():
            approved = template_service.require_approved(session, chosen["key"],
                                                         int(chosen["version"]))
            if approved.sha256 != chosen["sha256"]:
                raise UserError(f"Template {approved.key} for {slot} letters changed since the "
                                "batch was made; make a new batch.")
            self.approved[(approved.key, approved.version)] = approved
        self.values = LetterValues.for_incident(session, batch.incident_id)
        self.letter_date = batch.letter_date
        self.taglines = ""
        if batch.selection.get("taglines"):
            page = template_service.require_approved(session, TAGLINES_TEMPLATE)
            facts, _ = self.values.facts("en")
            text = template_service.render_approved(session, page, facts).text
            self.taglines = f'<div style="page-break-before: always">{text}</div>'
        self.bodies = BodyCache(self._render)
        self.marked: dict[str, str] = {}

    def content(self, letter: Letter) -> LetterContent:
        terms = store.pool_terms(self.session.db, letter.id) if letter.code else ("", "", None)
        try:
            text, body = self.bodies.html(letter, terms)
        except ValidationError as exc:
            raise ValidationError(f"Letter {letter.reference} cannot be filled in: {exc}",
                                  exc.fields) from None
        marked = ""
        fields: tuple[tuple[str, str], ...] = ()
        if body is not None:
            # one string per body, so a part sent to a worker process carries it once
            marked = self.marked.setdefault(body.html, body.html + self.taglines)
            fields = tuple(zip(body.marks, person_values(letter), strict=True))
        return LetterContent(letter.reference, tuple(letter.address_lines()),
                             text + self.taglines, approved_language(self, letter), letter.seq,
                             marked, fields)

    def _render(self, letter: Letter, marks: tuple[str, ...] | None) -> str:
        """The letter's body, its person fields being `marks` when given (see `fill`)."""
        approved = self.approved[(letter.template_key, letter.template_version)]
        people = person_values(letter) if marks is None else marks
        values: dict[str, Any] = dict(letter_date=self.letter_date,
                                      recipient_name=people[0], patient_name=people[1])
        if letter.code:
            expires, url, months = store.pool_terms(self.session.db, letter.id)
            values.update(enrollment_code=people[2], enroll_by_date=expires)
            if url:
                values["enrollment_url"] = url
            if months:
                values["credit_monitoring_months"] = months
        return self.values.render(letter, approved, values)


def approved_language(filler: LetterFiller, letter: Letter) -> str:
    return filler.approved[(letter.template_key, letter.template_version)].meta.language.value


def part_name(batch: Batch, part: int, parts: int, name: str = "") -> str:
    """The file name of one part: `name` as the person typed it when the batch fits one file,
    else its stem with the part number; without a name, one naming the incident and batch."""
    if name:
        stem = _stem(name)
        return f"{stem}.pdf" if parts == 1 else f"{stem}-part{part:03d}-of{parts:03d}.pdf"
    return (f"letters-{batch.incident_id[:8]}-batch{batch.number:03d}-part{part:03d}"
            f"-of{parts:03d}.pdf")


def _stem(name: str) -> str:
    stem = name.strip()
    if stem.lower().endswith(".pdf"):
        stem = stem[:-4]
    if not stem or Path(stem).name != stem or stem.startswith("."):
        raise ValidationError(f"{name!r} is not a file name for the letters; type a name "
                              "such as batch-1.pdf.", {"name": "bad"})
    return stem


def _clean_stale(out_dir: Path, batch: Batch, name: str = "") -> None:
    """Remove temp files a killed run left beside the parts (they hold patient data)."""
    prefix = (re.escape(_stem(name)) if name else
              rf"letters-{re.escape(batch.incident_id[:8])}-batch{batch.number:03d}")
    pattern = re.compile(rf"^\.{prefix}(-part\d+-of\d+)?\.pdf\..*\.tmp$")
    for path in out_dir.glob(".*.tmp"):
        if pattern.match(path.name):
            path.unlink(missing_ok=True)


# Worker processes pay off only for a batch this large: each needs a second or two to start
# (an interpreter, Qt, the fonts), about what this process writes 500 letters in.
PARALLEL_FROM = 1000


class PartPrinter(Protocol):
    """Writes whole part files elsewhere, several at once (`printing.letter_workers`).

    `start` hands over one part (its letters, filled, and the temp path to write and prove);
    `events(timeout)` returns what happened since: ("progress", part, letters),
    ("done", part, pages) or ("failed", part, kind, ...), a worker that hung or whose
    process ended being a failed part too (so the render never waits for ever);
    `close` stops every worker.
    """

    capacity: int

    def start(self, part: int, tmp: Path, layout: LetterLayout, cover: CoverSheet | None,
              letters: list[LetterContent]) -> None: ...

    def events(self, timeout: float) -> list[tuple[Any, ...]]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class _Part:
    number: int
    first: int
    last: int
    path: Path

    @property
    def letters(self) -> int:
        return self.last - self.first + 1


def render_batch(session: Session, batch_ref: str, out_dir: Path, open_file: OpenLetterFile,
                 *, incident_id: str | None = None, progress: Progress | None = None,
                 is_cancelled: IsCancelled | None = None,
                 printer: Callable[[], PartPrinter] | None = None,
                 name: str = "") -> RenderReport:
    """Write the batch's files into `out_dir` (resuming), then record the batch as rendered.

    `name` is the file name the person chose (see `part_name`); it is checked before anything
    is written. A part file is reused only when it exists with the size and SHA-256 recorded
    when it was proven; anything else (missing, emptied, truncated, changed) is rendered
    again. A full disk stops the run with one line saying how many letters are safe on disk.
    With `printer`
    (worker processes) and two or more parts and `PARALLEL_FROM` letters to write, parts are
    written in parallel and each is recorded as it completes, in whatever order.
    """
    started = time.monotonic()
    batch = get_batch(session, batch_ref, incident_id)
    out_dir = Path(out_dir)
    if name:
        _stem(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    _clean_stale(out_dir, batch, name)
    filler, layout = LetterFiller(session, batch), letter_layout(session)
    first = next(store.iter_letters(session.db, batch.id, 1, 1), None)
    if first is None:
        raise UserError(f"Letter batch {batch.number} has no letters.")
    filler.content(first)  # a missing value stops the run before any page is written
    per, total = batch.letters_per_file, batch.letter_count
    parts = math.ceil(total / per)
    recorded = store.rendered_files(session.db, batch.id)
    all_parts = [_Part(n, (n - 1) * per + 1, min(n * per, total),
                       out_dir / part_name(batch, n, parts, name)) for n in range(1, parts + 1)]
    run = _Run(session, batch, filler, layout, parts, total, progress, is_cancelled)
    pending: list[_Part] = []
    for part in all_parts:
        if _still_proven(recorded.get(part.number), part.path, part.first, part.last):
            run.finished(part)
        else:
            pending.append(part)
    run.report()
    if (printer is not None and len(pending) >= 2
            and sum(part.letters for part in pending) >= PARALLEL_FROM):
        run.parallel(pending, printer)
    else:
        for part in pending:
            run.here(part, open_file)
    files = [part.path for part in all_parts]
    _record(session, batch, files, parts - len(pending))
    return RenderReport(files, total, parts - len(pending), time.monotonic() - started)


class _Run:
    """One render of a batch's missing parts: here, or in worker processes."""

    def __init__(self, session: Session, batch: Batch, filler: LetterFiller, layout: LetterLayout,
                 parts: int, total: int, progress: Progress | None,
                 is_cancelled: IsCancelled | None) -> None:
        self.session, self.batch, self.filler, self.layout = session, batch, filler, layout
        self.parts, self.total = parts, total
        self.progress, self.is_cancelled = progress, is_cancelled
        self.safe = _Safe(total)
        self.done = 0  # letters in finished parts
        incident = incident_store.get(session.db, batch.incident_id)
        self.title = incident.title if incident else ""

    def finished(self, part: _Part) -> None:
        self.safe.add(part.letters)
        self.done += part.letters

    def report(self, extra: int = 0) -> None:
        if self.progress is not None:
            self.progress(self.done + extra, self.total)

    def cancelled(self) -> bool:
        return self.is_cancelled is not None and self.is_cancelled()

    def stop(self) -> Cancelled:
        return Cancelled(f"Cancelled; {self.safe.files} of {self.parts} files are complete "
                         "and will be reused when you render again.")

    def cover(self, part: _Part) -> CoverSheet:
        refs = list(_stream(self.session, self.batch, part.first, part.last))  # cheap, bounded
        return CoverSheet(self.layout.org_name, self.title, self.batch.number, part.number,
                          self.parts, refs[0][1], refs[-1][1], part.first, part.last,
                          part.letters, today(self.session).isoformat())

    def recorder(self, part: _Part) -> _PartFile:
        return _PartFile(self.session, self.batch, part.number, self.parts, part.path.name,
                         part.first, part.last)

    def here(self, part: _Part, open_file: OpenLetterFile) -> None:
        """Write one part in this process (`open_file` records and renames it)."""
        cover = self.cover(part)
        try:
            with open_file(part.path, self.layout, cover, self.recorder(part).record) as out:
                for n, letter in enumerate(store.iter_letters(self.session.db, self.batch.id,
                                                              part.first, part.last), 1):
                    if self.cancelled():
                        raise self.stop()
                    out.add(self.filler.content(letter))
                    self.report(n)
        except DiskFull as exc:
            raise self.disk_full(exc.folder) from None
        except FileNotProven as exc:
            raise FileNotProven(f"{exc} ({self.safe.text()}); run the same command again"
                                ) from None
        except OSError as exc:
            raise UserError(f"{cannot_write(part.path, exc)} ({self.safe.text()})") from None
        self.finished(part)

    def contents(self, part: _Part) -> list[LetterContent]:
        letters = []
        for letter in store.iter_letters(self.session.db, self.batch.id, part.first, part.last):
            if self.cancelled():
                raise self.stop()
            letters.append(self.filler.content(letter))
        return letters

    def parallel(self, pending: list[_Part], printer: Callable[[], PartPrinter]) -> None:
        """Fill parts here, write them in the workers, record and rename each as it is done."""
        queue = list(pending)
        flying: dict[int, tuple[_Part, Path]] = {}
        painted: dict[int, int] = {}
        workers = printer()
        try:
            while queue or flying:
                while queue and len(flying) < workers.capacity:
                    part = queue.pop(0)
                    tmp = part.path.with_name(f".{part.path.name}.{uuid.uuid4().hex[:12]}.tmp")
                    cover = self.cover(part)
                    workers.start(part.number, tmp, self.layout, cover, self.contents(part))
                    flying[part.number] = (part, tmp)
                failure: tuple[Any, ...] | None = None
                for event in workers.events(0.1):
                    kind, number = event[0], int(event[1])
                    if kind == "progress":
                        painted[number] = int(event[2])
                    elif kind == "done" and number in flying:
                        part, tmp = flying.pop(number)
                        painted.pop(number, None)
                        self.keep(part, tmp)
                    elif kind == "failed":
                        failure = failure or event
                if failure is not None:  # after keeping every part proven meanwhile
                    raise self.failed(flying.get(int(failure[1]), (None, None))[0], failure)
                if self.cancelled():
                    raise self.stop()
                self.report(sum(painted.values()))
        finally:
            workers.close()
            for _, tmp in flying.values():
                tmp.unlink(missing_ok=True)

    def keep(self, part: _Part, tmp: Path) -> None:
        """Record a proven part (its digest, its letters rendered), then give it its name."""
        try:
            self.recorder(part).record(tmp)
            move_into_place(tmp, part.path)
        except OSError as exc:
            if is_disk_full(exc):
                raise self.disk_full(part.path.parent) from None
            raise UserError(f"{cannot_write(part.path, exc)} ({self.safe.text()})") from None
        self.finished(part)

    def failed(self, part: _Part | None, event: tuple[Any, ...]) -> UserError:
        """The one line for a part a worker could not write."""
        kind, name = event[2], part.path.name if part is not None else "a letter file"
        folder = part.path.parent if part is not None else Path(".")
        again = f"{self.safe.text()}; run the same command again."
        if kind == "not_proven":
            if looks_full(folder):
                return self.disk_full(folder)
            return FileNotProven(f"{name} was not written to {folder}: {event[3]} "
                                 f"({self.safe.text()}); run the same command again")
        if kind == "os":
            error = OSError(event[3], event[4])
            if is_disk_full(error):
                return self.disk_full(folder)
            return UserError(f"{cannot_write(folder / name, error)} ({self.safe.text()})")
        if kind == "user":
            return UserError(str(event[3]))
        if kind == "stalled":
            return UserError(f"Writing {name} stopped: its worker process hung (silent for "
                             f"{event[3]} s); {again}")
        if kind == "stopped":
            code = event[3]
            how = ("ended unexpectedly" if not isinstance(code, int) else
                   f"was killed (signal {-code})" if code < 0 else f"ended (exit code {code})")
            return UserError(f"Writing {name} stopped: its worker process {how}; {again}")
        return UserError(f"Writing {name} failed ({event[3]}); {again}")

    def disk_full(self, folder: Path) -> DiskFull:
        """The same line as a full disk in this process (`here`): what is safe, what to do."""
        return DiskFull(folder, self.safe.text(),
                        f"free space in {folder} and run the same command again")


class _Safe:
    """How many letters are in files proven on disk so far (for the message on a stop)."""

    def __init__(self, total: int) -> None:
        self.total, self.letters, self.files = total, 0, 0

    def add(self, letters: int) -> None:
        self.letters += letters
        self.files += 1

    def text(self) -> str:
        return (f"{self.letters:,} of {self.total:,} letters are safe in "
                f"{self.files:,} file{'' if self.files == 1 else 's'}")


def _still_proven(row: dict[str, Any] | None, path: Path, lo: int, hi: int) -> bool:
    """True when `path` is exactly the part file recorded for letters `lo`..`hi`."""
    return (row is not None and row["name"] == path.name
            and (int(row["first_seq"]), int(row["last_seq"])) == (lo, hi)
            and matches_digest(path, int(row["bytes"]), str(row["sha256"])))


@dataclass
class _PartFile:
    """Records one part file once it is proven: its digest, and its letters as rendered."""

    session: Session
    batch: Batch
    part: int
    parts: int
    name: str
    first: int
    last: int

    def record(self, proven: Path) -> None:
        size, sha256 = file_digest(proven)
        b, by = self.batch, self.session.operator.name
        with self.session.action("letters.render_file", "letter_batch", b.id,
                                 f"Rendered file {self.part} of {self.parts} of letter batch "
                                 f"{b.number}: letters {self.first}-{self.last}") as act:
            store.record_rendered_file(self.session.db, {
                "batch_id": b.id, "part": self.part, "incident_id": b.incident_id,
                "name": self.name, "first_seq": self.first, "last_seq": self.last,
                "bytes": size, "sha256": sha256, "rendered_at": act.at, "rendered_by": by})
            ids = store.pending_in_range(self.session.db, b.id, self.first, self.last)
            store.set_status(self.session.db, [(LetterStatus.RENDERED.value, self.name,
                                                act.at, by, lid) for lid in ids])
            store.insert_events(self.session.db, [(str(uuid.uuid4()), lid, b.incident_id,
                                                   act.at, "rendered", "", "", "", by)
                                                  for lid in ids])


def _stream(session: Session, batch: Batch, lo: int, hi: int) -> Iterator[tuple[int, str]]:
    yield from store.references_in_range(session.db, batch.id, lo, hi)


def _record(session: Session, batch: Batch, files: list[Path], reused: int) -> None:
    with session.action("letters.render", "letter_batch", batch.id,
                        f"Rendered letter batch {batch.number}: {batch.letter_count} letters "
                        f"in {len(files)} files ({reused} reused from an earlier run)") as act:
        per, by = batch.letters_per_file, session.operator.name
        # Each proven file marked its own letters; this catches any a file's record missed.
        rows = store.pending_letters(session.db, batch.id)
        store.set_status(session.db, [(LetterStatus.RENDERED.value,
                                       files[(int(seq) - 1) // per].name, act.at, by, lid)
                                      for lid, seq in rows])
        store.insert_events(session.db, [(str(uuid.uuid4()), lid, batch.incident_id, act.at,
                                          "rendered", "", "", "", by) for lid, _ in rows])
        store.set_batch_rendered(session.db, batch.id, act.at)


def reprint(session: Session, batch_ref: str, first: int, last: int, path: Path,
            open_file: OpenLetterFile, *, incident_id: str | None = None,
            progress: Progress | None = None,
            is_cancelled: IsCancelled | None = None) -> int:
    """Render letters `first`..`last` of a batch again (after a printer jam) into one file."""
    batch = get_batch(session, batch_ref, incident_id)
    if not 1 <= first <= last <= batch.letter_count:
        raise ValidationError(f"Give a range within 1-{batch.letter_count} (first <= last).",
                              {"range": "out of range"})
    filler, layout = LetterFiller(session, batch), letter_layout(session)
    count = last - first + 1
    with open_file(Path(path), layout, None) as out:
        for n, letter in enumerate(store.iter_letters(session.db, batch.id, first, last), 1):
            if is_cancelled is not None and is_cancelled():
                raise Cancelled()
            out.add(filler.content(letter))
            if progress is not None:
                progress(n, count)
    with session.action("letters.reprint", "letter_batch", batch.id,
                        f"Reprinted letters {first}-{last} of batch {batch.number}") as act:
        ids = store.letter_ids_in_range(session.db, batch.id, first, last)
        store.insert_events(session.db, [(str(uuid.uuid4()), lid, batch.incident_id, act.at,
                                          "reprinted", "", f"letters {first}-{last}", "",
                                          session.operator.name) for lid, _ in ids])
    return count


def preview(session: Session, batch_ref: str, count: int = 3, *,
            incident_id: str | None = None) -> tuple[LetterLayout, list[LetterContent]]:
    """The first letters of a batch exactly as they will print (nothing is written)."""
    batch = get_batch(session, batch_ref, incident_id)
    filler = LetterFiller(session, batch)
    letters = store.iter_letters(session.db, batch.id, 1, count)
    return letter_layout(session), [filler.content(letter) for letter in letters]

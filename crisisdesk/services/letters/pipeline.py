"""The letters pipeline as the Letters page shows it: import -> classify -> codes -> batch ->
render -> print -> mailed, each step with its state, its count and the one action that moves it
on.

Everything here is derived from grouped counts read in one batch (`store.letter_pipeline`),
plus the batch's own template check, so the page can ask on every refresh (from a worker: a
100,000-recipient desk must not stall the window). The words are decided here, not in the UI,
so the page, the header's "Next:" line and a test all say the same thing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from crisisdesk.domain.errors import NotFound, UserError
from crisisdesk.domain.formatting import count_of
from crisisdesk.domain.letters import SubstituteNotice
from crisisdesk.services import incidents as incident_service
from crisisdesk.services.letters import batches as letter_service
from crisisdesk.services.letters import counts as letter_counts
from crisisdesk.services.letters import mailing_log
from crisisdesk.services.letters.batches import Batch
from crisisdesk.services.localtime import today
from crisisdesk.services.session import Session
from crisisdesk.store import letters as letter_store
from crisisdesk.store.letter_pipeline import PipelineCounts, pipeline_counts


class StepState(StrEnum):
    DONE = "done"
    READY = "ready"
    WAITING = "waiting"
    BLOCKED = "blocked"


STEP_TITLES = {"import": "Import the patient list", "classify": "Classify recipients",
               "codes": "Enrollment codes", "batch": "Make a batch",
               "render": "Render to PDF", "print": "Print", "mailed": "Mail"}


@dataclass(frozen=True)
class Step:
    key: str  # one of STEP_TITLES
    state: StepState
    count: str  # what is there now, in words ("12,480 recipients imported, 31 need ...")
    reason: str = ""  # why it waits or is blocked ("on classification")
    action: str = ""  # the button that moves it on ("" when there is none)
    batch: int | None = None  # the batch the action works on (render, print, mailed)

    @property
    def title(self) -> str:
        return STEP_TITLES[self.key]

    @property
    def state_text(self) -> str:
        """The state in words (colour is never the only signal)."""
        if self.state is StepState.DONE:
            return "Done"
        if self.state is StepState.READY:
            return "Ready"
        if self.state is StepState.WAITING:
            return f"Waiting {self.reason}" if self.reason else "Waiting"
        return f"Blocked: {self.reason}"


@dataclass(frozen=True)
class LettersOverview:
    """Everything the Letters page shows, read in one go."""

    incident_title: str  # '' when there is no current incident
    steps: list[Step]
    summary: str = ""
    substitute: SubstituteNotice | None = None
    batches: list[letter_service.Batch] = field(default_factory=list)
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    review: int = 0

    @property
    def next(self) -> Step | None:
        """The first step that can move (ready) or that stops everything (blocked)."""
        return next((s for s in self.steps if s.state in (StepState.READY, StepState.BLOCKED)),
                    None)


def _no_incident() -> list[Step]:
    return [Step("import", StepState.BLOCKED, "No patient list yet",
                 "there is no current incident: open one on the Dashboard first")] + [
        Step(key, StepState.WAITING, "", "on the import") for key in list(STEP_TITLES)[1:]]


@dataclass(frozen=True)
class PartsKept:
    """The part files a render of a batch has finished so far, and their letters."""

    batch: int  # its number
    files: int
    letters: int
    parts: int


def steps_from(c: PipelineCounts, *, codes_needed: int, template_problem: str = "",
               kept: PartsKept | None = None) -> list[Step]:
    """The seven steps from the counts (no I/O: the rules in one readable place). `kept` is
    what a cancelled or stopped render of the first batch still to render left on disk."""
    recipients = sum(c.outcomes.values())
    unclassified = c.outcomes.get("", 0)
    letters = c.outcomes.get("letter", 0)
    eligible = sum(c.eligible.values())
    steps: list[Step] = []

    insufficient = c.outcomes.get("insufficient", 0)
    extra = ([f"{insufficient:,} {'needs' if insufficient == 1 else 'need'} an address"]
             if insufficient else [])
    if c.review_open:
        extra.append(f"{count_of(c.review_open, 'row')} set aside for review")
    if recipients:
        steps.append(Step("import", StepState.DONE, ", ".join(
            [f"{count_of(recipients, 'recipient')} imported", *extra]),
            action="Import more…"))
    else:
        steps.append(Step("import", StepState.READY, "No patient list imported yet",
                          action="Import patient list…"))

    if not recipients:
        steps.append(Step("classify", StepState.WAITING, "", "on the import"))
    elif unclassified:
        steps.append(Step("classify", StepState.READY,
                          f"{unclassified:,} of {count_of(recipients, 'recipient')} not "
                          "classified yet", action="Classify"))
    else:
        v = c.letter_variants
        steps.append(Step("classify", StepState.DONE,
                          f"{count_of(letters, 'letter')} ({v.get('adult', 0):,} adult, "
                          f"{v.get('minor', 0):,} to parents or guardians, "
                          f"{v.get('deceased', 0):,} to next of kin); "
                          f"{count_of(c.outcomes.get('duplicate', 0), 'duplicate')} merged",
                          action="Classify again"))

    codes_text = (f"{count_of(c.codes, 'code')} imported, {c.codes_free:,} unused"
                  if c.codes else "No codes imported")
    if not letters:
        steps.append(Step("codes", StepState.WAITING, codes_text, "on classification"))
    elif codes_needed > c.codes_free:
        steps.append(Step("codes", StepState.READY, f"{codes_text}; the letters not in a batch "
                          f"yet need {codes_needed:,}", action="Import codes…"))
    else:
        steps.append(Step("codes", StepState.DONE, codes_text, action="Import more codes…"))

    in_batches = sum(n for _, n, _, _ in c.batches)
    batch_text = (f"{count_of(len(c.batches), 'batch', 'batches')} of "
                  f"{count_of(in_batches, 'letter')}" if c.batches else "No batches yet")
    if not letters:
        steps.append(Step("batch", StepState.WAITING, batch_text, "on classification"))
    elif not eligible:
        steps.append(Step("batch", StepState.DONE, f"{batch_text}; every letter is in a batch"))
    elif template_problem:
        steps.append(Step("batch", StepState.BLOCKED, f"{eligible:,} letters not in a batch yet",
                          template_problem, action="New batch…"))
    elif codes_needed > c.codes_free:
        steps.append(Step("batch", StepState.BLOCKED, f"{eligible:,} letters not in a batch yet",
                          f"they need {codes_needed:,} enrollment codes and {c.codes_free:,} "
                          "are unused: import codes first", action="New batch…"))
    else:
        steps.append(Step("batch", StepState.READY, f"{batch_text}; {eligible:,} letters not "
                          "in a batch yet", action="New batch…"))

    unrendered = [b for b in c.batches if not b[2]]
    if not c.batches:
        steps.append(Step("render", StepState.WAITING, "", "on a batch"))
    elif unrendered:
        number, n = unrendered[0][0], unrendered[0][1]
        more = f" ({len(unrendered) - 1:,} more after it)" if len(unrendered) > 1 else ""
        left = f"{count_of(n, 'letter')} to render"
        if kept is not None and kept.batch == number and kept.files:
            left = (f"{n - kept.letters:,} of {count_of(n, 'letter')} left to render "
                    f"({kept.files:,} of {kept.parts:,} files done)")
        steps.append(Step("render", StepState.READY, f"Batch {number}: {left}{more}",
                          action=f"Render batch {number}…", batch=number))
    else:
        steps.append(Step("render", StepState.DONE,
                          f"{count_of(len(c.batches), 'batch', 'batches')} rendered"))

    to_print = [b for b in c.batches if b[2] and not b[3]]
    printed = [b for b in c.batches if b[3]]
    if to_print:
        number = to_print[0][0]
        steps.append(Step("print", StepState.READY, f"Batch {number} is rendered: print its "
                          "files, then mark it printed", action=f"Mark batch {number} printed",
                          batch=number))
    elif unrendered or not c.batches:
        steps.append(Step("print", StepState.WAITING,
                          f"{count_of(len(printed), 'batch', 'batches')} printed"
                          if printed else "", "on rendering"))
    else:
        steps.append(Step("print", StepState.DONE,
                          f"{count_of(len(printed), 'batch', 'batches')} printed"))

    s = c.statuses
    mailed = s.get("mailed", 0) + s.get("returned", 0) + s.get("remailed", 0)
    mailed_text = (f"{count_of(mailed, 'letter')} mailed, {s.get('returned', 0):,} returned "
                   f"with no new address, {s.get('remailed', 0):,} re-mailed" if mailed else "")
    if c.printed_by_batch:
        number = min(c.printed_by_batch)
        waiting = sum(c.printed_by_batch.values())
        steps.append(Step("mailed", StepState.READY, "; ".join(filter(None, [
            f"{count_of(waiting, 'printed letter')} not mailed yet", mailed_text])),
            action=f"Mark batch {number} mailed", batch=number))
    elif mailed and not to_print and not unrendered:
        steps.append(Step("mailed", StepState.DONE, mailed_text))
    else:
        steps.append(Step("mailed", StepState.WAITING, mailed_text, "on printing"))
    return steps


def summary_text(c: PipelineCounts) -> str:
    """One sentence of counts under the heading (the figures `letters status` also gives)."""
    o, s = c.outcomes, c.statuses
    return (f"{count_of(sum(o.values()), 'recipient')}: {count_of(o.get('letter', 0), 'letter')}"
            f", {count_of(o.get('duplicate', 0), 'duplicate row')} merged, "
            f"{o.get('no_notice', 0):,} deceased with no next-of-kin address, "
            f"{o.get('', 0):,} not classified yet, {count_of(c.review_open, 'row')} set aside "
            f"for review. Ready {s.get('pending', 0) + s.get('rendered', 0):,}, printed "
            f"{s.get('printed', 0):,}, mailed {s.get('mailed', 0) + s.get('remailed', 0):,}, "
            f"returned {s.get('returned', 0):,}.")


def parts_kept(session: Session, batches: list[Batch]) -> PartsKept | None:
    """What a render stopped part way (Cancel, a kill, a full disk) kept of the first batch
    still to render: the next render starts from there."""
    batch = next((b for b in batches if not b.rendered_at), None)
    if batch is None:
        return None
    files = letter_store.rendered_files(session.db, batch.id)
    letters = sum(int(r["last_seq"]) - int(r["first_seq"]) + 1 for r in files.values())
    return PartsKept(batch.number, len(files), letters,
                     math.ceil(batch.letter_count / batch.letters_per_file))


def overview(session: Session, incident_id: str | None = None) -> LettersOverview:
    """The pipeline, its counts, the batches and the mailing-log totals of the incident."""
    try:
        incident = incident_service.get_incident(session, incident_id)
    except NotFound:
        return LettersOverview("", _no_incident())
    counts = pipeline_counts(session.db, incident.id, today(session).isoformat())
    problem, needed = "", 0
    try:
        needed = letter_service.codes_needed(session, counts.eligible, incident.id)
    except UserError as err:
        problem = str(err)
    notice = letter_counts.substitute_position(session, incident.id)
    batches = letter_service.list_batches(session, incident.id)
    return LettersOverview(
        incident.title, steps_from(counts, codes_needed=needed, template_problem=problem,
                                   kept=parts_kept(session, batches)),
        summary_text(counts), notice, batches,
        mailing_log.totals(session, incident.id), counts.review_open)

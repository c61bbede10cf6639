"""The files exchanged with an outside call centre that takes hotline calls for the desk.

Outbound, their lookup list: one row per letter with its reference, the name masked to
initials, the state, the letter variant (adult, minor's parent, deceased patient's next of kin:
whom the agent may talk to) and the enrollment code's status (never the code, never the
address or date of birth: their agents route callers, the desk verifies them). Inbound, their
call log in the desk's own call-log terms: every row is checked first and a bad one is named
by its line, so a file applies whole or not at all; each call keeps the centre's own call id,
so importing the same file again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from crisisdesk.domain.errors import FileRejected, RowProblem, UserError, ValidationError
from crisisdesk.domain.hotline import FOLLOW_UPS, LANGUAGES, OUTCOMES, TOPICS, check_choice

LOOKUP_HEADER = ("reference", "name", "state", "letter_variant", "code_status")
CALL_LOG_HEADER = ("call_id", "time", "agent", "language", "verified", "topics", "outcome",
                   "follow_up", "duration_s")
REQUIRED = CALL_LOG_HEADER[:7]
MAX_DURATION_S = 4 * 3600
_YES = {"yes": True, "y": True, "true": True, "1": True,
        "no": False, "n": False, "false": False, "0": False}


def mask_name(name: str, first: str = "", last: str = "") -> str:
    """'Ann Marie Smith' -> 'A*** S***': the first and last name's initials, never their
    length."""
    words = [w for w in (first, last) if w.strip()] or name.split()
    if not words:
        return ""
    kept = [words[0], words[-1]] if len(words) > 1 else words[:1]
    return " ".join(f"{w.strip()[0].upper()}***" for w in kept)


def code_status(code: str | None, expires_on: str | None, enrolled_on: str | None,
                today: dt.date) -> str:
    """'none' (the letter offers no code), 'enrolled', 'expired' (past the last day to enrol)
    or 'open'."""
    if not code:
        return "none"
    if enrolled_on:
        return "enrolled"
    if expires_on and dt.date.fromisoformat(str(expires_on)[:10]) < today:
        return "expired"
    return "open"


@dataclass(frozen=True)
class ImportedCall:
    line: int
    call_id: str  # the centre's own
    at: str  # UTC ISO, "...Z"
    agent: str
    language: str
    verified: bool
    topics: str  # comma-joined, sorted, as the desk stores them
    outcome: str
    follow_up: str
    duration_s: int | None

    def desk_id(self, centre: str) -> str:
        """The call's id in the desk: the same for the same centre and call id, every time."""
        return "cc-" + hashlib.sha256(f"{centre}\0{self.call_id}".encode()).hexdigest()[:32]


class CallLogRejected(FileRejected):
    """Bad rows in a call centre's log: nothing was applied."""


def check_header(headers: Sequence[str], file: str) -> dict[str, str]:
    """{our column: their header}; a missing required column is one line naming it."""
    folded = {h.strip().lower().replace(" ", "_"): h for h in headers}
    missing = [c for c in REQUIRED if c not in folded]
    if missing:
        raise UserError(f"{file} has no {', '.join(missing)} column (a call log needs: "
                        f"{', '.join(CALL_LOG_HEADER)}; the last two may be left out).")
    return {c: folded[c] for c in CALL_LOG_HEADER if c in folded}


def _moment(text: str, tz: dt.tzinfo, now: dt.datetime) -> str:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"time {text!r} is not like 2026-03-20T14:05:00Z") from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=tz)
    if moment > now:
        raise ValueError(f"time {text!r} is in the future")
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _row(line: int, get: Mapping[str, str], tz: dt.tzinfo, now: dt.datetime) -> ImportedCall:
    call_id = get["call_id"]
    if not call_id or len(call_id) > 64:
        raise ValueError("the call_id is empty or longer than 64 characters")
    agent = get["agent"]
    if not agent or len(agent) > 64:
        raise ValueError("the agent is empty or longer than 64 characters")
    at = _moment(get["time"], tz, now)
    if get["verified"].lower() not in _YES:
        raise ValueError(f"verified must be yes or no, not {get['verified']!r}")
    try:
        topics = sorted({check_choice(t, TOPICS, "topic")
                         for t in get["topics"].replace(";", " ").replace(",", " ").split()})
        if not topics:
            raise ValueError("no topic")
        language = check_choice(get["language"], LANGUAGES, "language")
        outcome = check_choice(get["outcome"], OUTCOMES, "outcome")
        follow_up = check_choice(get.get("follow_up", ""), FOLLOW_UPS, "follow_up")
    except ValidationError as exc:
        raise ValueError(str(exc).rstrip(".")) from None
    raw = get.get("duration_s", "")
    duration = None
    if raw:
        if not raw.isdigit() or int(raw) > MAX_DURATION_S:
            raise ValueError(f"duration_s must be whole seconds from 0 to {MAX_DURATION_S}, "
                             f"not {raw!r}")
        duration = int(raw)
    return ImportedCall(line, call_id, at, agent, language, _YES[get["verified"].lower()],
                        ",".join(topics), outcome, follow_up, duration)


def read_call_log(rows: Iterable[tuple[int, Mapping[str, str] | str]],
                  columns: Mapping[str, str], file: str, tz: dt.tzinfo,
                  now: dt.datetime) -> list[ImportedCall]:
    """Every row checked before any is used (naive times are in `tz`, the desk's zone);
    raises CallLogRejected naming each bad line."""
    found: list[ImportedCall] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if isinstance(row, str):
            problems.append(RowProblem(line, row))
            continue
        get = {ours: (row.get(theirs) or "").strip() for ours, theirs in columns.items()}
        try:
            call = _row(line, get, tz, now)
        except ValueError as exc:
            problems.append(RowProblem(line, str(exc)))
            continue
        if call.call_id in seen:
            problems.append(RowProblem(line, f"call {call.call_id} is listed again (first on "
                                             f"line {seen[call.call_id]})"))
            continue
        seen[call.call_id] = line
        found.append(call)
    if problems:
        raise CallLogRejected(file, problems)
    if not found:
        raise UserError(f"{file} lists no calls.")
    return found

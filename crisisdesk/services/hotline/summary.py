"""The hotline on the Dashboard: calls, the busiest topics, and possible impersonation."""

from __future__ import annotations

from crisisdesk.domain.dashboard import DashboardSummary
from crisisdesk.domain.formatting import count_of
from crisisdesk.services.hotline import actions, calls, faq, staffing, verify
from crisisdesk.services.session import Session

TOP_TOPICS = 3
TOP_QUESTIONS = 3


def dashboard_summary(session: Session) -> DashboardSummary:
    """Calls so far and in the last hour with calls, per topic, and a warning for every record
    locked after failed verifications."""
    flags = verify.impersonation_flags(session)
    warnings = tuple(
        f"{count_of(len(flags), 'record')} locked after failed verifications: possible "
        f"impersonation (latest by {flags[0].agent})." for _ in flags[:1])
    result = calls.stats(session)
    extra = (*_follow_ups(session), *_staffing_and_questions(session))
    if not result.calls:
        return DashboardSummary((("", "No hotline calls logged yet."), *extra), warnings)
    last_hour = next(reversed(result.per_hour.items()))
    topics = ", ".join(f"{t} {n}" for t, n in list(result.per_topic.items())[:TOP_TOPICS])
    return DashboardSummary((
        ("Calls", f"{result.calls:,} ({result.verified:,} verified)"),
        ("Busiest topics", topics),
        ("Latest hour with calls", f"{last_hour[0].replace('T', ' ')}:00 UTC: {last_hour[1]:,}"),
        *extra,
    ), warnings)


FOLLOW_UP_WORDS = (("callback", "callback for the privacy officer",
                    "callbacks for the privacy officer"),
                   ("complaint", "complaint", "complaints"),
                   ("resend", "re-send to print", "re-sends to print"))


def _follow_ups(session: Session) -> tuple[tuple[str, str], ...]:
    """The open follow-ups in one row ("Follow-ups open", "1 callback for the privacy ...")."""
    kinds = [f.kind for f in actions.follow_ups(session)]
    parts = [count_of(kinds.count(kind), one, many) for kind, one, many in FOLLOW_UP_WORDS
             if kind in kinds]
    return (("Follow-ups open", ", ".join(parts)),) if parts else ()


def _staffing_and_questions(session: Session) -> tuple[tuple[str, str], ...]:
    """The staffing hint, and the most asked questions with no approved answer yet."""
    rows = []
    hint = staffing.staffing_hint(session)
    if hint is not None:
        rows.append(("Staffing hint", hint.describe()))
    asked = faq.unanswered(session, TOP_QUESTIONS)
    if asked:
        rows.append(("Unanswered questions", "; ".join(
            f"\"{q.question}\" ({q.language}, asked {q.asked}x)" for q in asked)))
    return tuple(rows)

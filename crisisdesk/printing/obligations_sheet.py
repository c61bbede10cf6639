"""The obligations sheet: every notice the incident triggers, when it is due, and proof done.

Carries the rules file's "verify with counsel" note and its last-reviewed date at the top, and
names any rule that could not be read, so the paper never looks more certain than the data.
Decisions the team owes first (counts unknown, media notice may be due), then running clocks by
due date, then notices done, then advisories to check, and last the rule versions that do not
govern this discovery date (superseded, or begun later) so nobody applies them by mistake. A
law-enforcement delay is printed with the clocks it moves and the ones it does not. The filings
(HHS, each regulator office, the media, the consumer reporting agencies) follow with their due
dates, where and how each is sent, the content required and its step, then the reminders of the
substitute notice (posting and toll-free line), so the paper is enough to file from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crisisdesk.domain.clocks import (
    COUNTS_UNKNOWN_KEY,
    Obligation,
    OutOfForce,
    RuleSet,
    delay_summary,
)
from crisisdesk.domain.filings import Filing
from crisisdesk.domain.incidents import Incident
from crisisdesk.domain.letters import SUBSTITUTE_OBLIGATION_KEY
from crisisdesk.domain.substitute_plan import Reminder
from crisisdesk.printing.crisis_paper import GRID, document, esc, grid_table, header_table
from crisisdesk.printing.pdf import KEEP_TABLES_TOGETHER

_STATE_WORDS = {"open": "", "due_today": "DUE TODAY", "overdue": "OVERDUE", "no_date": "",
                "done": "done", "advisory": "check"}


def _days(o: Obligation, today: dt.date) -> str:
    left = o.days_left(today)
    if o.done is not None or left is None:
        return ""
    if left < 0:
        return f"{-left} days late"
    return "today" if left == 0 else f"{left} days"


def _row(o: Obligation, today: dt.date) -> str:
    state = o.state(today)
    due = o.due.isoformat() if o.due else "no fixed date"
    flag = _STATE_WORDS[state]
    flag_html = f'<br><span class="alert">{esc(flag)}</span>' if flag in ("DUE TODAY",
                                                                         "OVERDUE") else ""
    threshold = o.rule.applies_when.describe(o.jurisdiction)
    if o.key == SUBSTITUTE_OBLIGATION_KEY:
        count = f"{o.count:,} people without a usable address"
    elif o.key == COUNTS_UNKNOWN_KEY:
        count = "nobody counted yet"
    elif o.is_prompt:
        count = f"{o.count:,} of unknown residence"
    elif o.count == 0:
        count = "runs from discovery whatever the count"
    else:
        count = f"{o.count:,} counted; applies to {threshold}"
    basis = "<br>".join(esc(b) for b in o.basis)
    if o.rule.note:
        basis += f'<br><span class="small">{esc(o.rule.note)}</span>'
    if o.caution:
        basis += f'<br><span class="alert">Verify: {esc(o.caution)}</span>'
    if o.advisory:
        basis += f'<br><span class="alert">Advisory: {esc(o.advisory)}</span>'
    if o.done is not None:
        done = f"{esc(o.done.done_on.isoformat())}<br>{esc(o.done.reference)}"
    else:
        done = "Date: ____________<br>Ref: ____________"
    return (
        "<tr>"
        f'<td width="13%"><b>{esc(due)}</b>{flag_html}<br>{esc(_days(o, today))}</td>'
        f'<td width="27%"><b>{esc(o.title)}</b><br>{esc(o.rule.citation)}'
        f'<br><span class="small">{esc(o.rule.timing)}</span></td>'
        f'<td width="14%"><span class="small">{esc(count)}</span></td>'
        f'<td width="30%">{basis}</td>'
        f'<td width="16%">{done}</td>'
        "</tr>"
    )


_HEAD = ('<thead><tr><th width="13%">Due</th><th width="27%">Notice</th>'
         '<th width="14%">Count</th><th width="30%">How the date was reached</th>'
         '<th width="16%">Done (date, reference)</th></tr></thead>')


def _table(rows: Sequence[Obligation], today: dt.date) -> str:
    """One small table per obligation (the first with the column heads), so the PDF can keep
    each entry whole on a page (`KEEP_TABLES_TOGETHER`)."""
    tables = []
    for index, o in enumerate(rows):
        head = _HEAD if index == 0 else ""
        tables.append(f"{GRID}{head}<tbody>{_row(o, today)}</tbody></table>")
    return "".join(tables)


def _not_in_force(versions: Sequence[OutOfForce]) -> str:
    rows = "".join(
        "<tr>"
        f"<td><b>{esc(v.rule.title)}</b><br>{esc(v.rule.citation)}</td>"
        f'<td><span class="small">{esc(v.rule.timing)}</span></td>'
        f'<td><span class="small">{esc(v.rule.period())}</span></td>'
        f'<td><span class="small">{esc(v.reason)}</span></td>'
        "</tr>" for v in versions)
    return grid_table([("Rule", 30), ("What it says", 30), ("In force", 15),
                       ("Why not here", 25)], rows)


def _filing_row(f: Filing, today: dt.date) -> str:
    o, r = f.owed, f.record
    due = o.due.isoformat() if o.due else "no fixed date"
    late = '<br><span class="alert">OVERDUE</span>' if f.overdue(today) else ""
    to = "<br>".join(esc(x) for x in (o.office, o.recipient.address) if x)
    if o.recipient.submit:
        to += f'<br><span class="small">{esc(o.recipient.submit)}</span>'
    content = "<br>".join(f"- {esc(c)}" for c in o.content)
    if o.sample_notice:
        content += "<br><b>Attach a sample of the resident notice.</b>"
    if r is not None and r.sent_on is not None:
        step = (f"{esc(f.stage.value)} {esc(r.sent_on.isoformat())} ({esc(r.sent_how)})"
                + (f"<br>Conf. {esc(r.confirmation)}" if r.confirmation else ""))
    else:
        step = f"{esc(f.stage.value)}<br>Sent: ________<br>Conf.: ________"
    return (f'<tr><td width="14%" nowrap><b>{esc(due)}</b>{late}</td>'
            f'<td width="22%"><b>{esc(o.obligation.title)}</b><br>'
            f'{esc(o.obligation.rule.citation)}</td>'
            f'<td width="26%">{to}</td><td width="22%"><span class="small">{content}</span></td>'
            f'<td width="16%">{step}</td></tr>')


def filings_section(filings: Sequence[Filing], reminders: Sequence[Reminder],
                    today: dt.date) -> str:
    """The filings owed, each with where it goes and what it holds, and the substitute-notice
    reminders ("" when there is neither)."""
    body = ""
    if filings:
        head = ('<thead><tr><th width="14%">Due</th><th width="22%">Filing</th>'
                '<th width="26%">To, and how to send it</th><th width="22%">Must contain</th>'
                '<th width="16%">Step</th></tr></thead>')
        tables = [f"{GRID}{head if i == 0 else ''}<tbody>{_filing_row(f, today)}</tbody></table>"
                  for i, f in enumerate(filings)]
        body += "<h2>Filings (HHS, regulators, media, credit bureaus)</h2>" + "".join(tables)
    if reminders:
        items = "".join(f"<li>{'<b>WARNING:</b> ' if r.warning else ''}{esc(r.text)}</li>"
                        for r in reminders)
        body += f"<h2>Substitute notice and toll-free line</h2><ul>{items}</ul>"
    return body


def obligations_html(incident: Incident, obligations: Sequence[Obligation], rules: RuleSet, *,
                     today: dt.date, org: str = "", printed: str = "",
                     not_in_force: Sequence[OutOfForce] = (), filings: Sequence[Filing] = (),
                     reminders: Sequence[Reminder] = ()) -> str:
    """A complete HTML page listing the incident's obligations as of `today`."""
    prompts = [o for o in obligations if o.is_prompt]
    obligations = [o for o in obligations if not o.is_prompt]
    running = [o for o in obligations if not o.advisory and o.done is None]
    done = [o for o in obligations if not o.advisory and o.done is not None]
    advisory = [o for o in obligations if o.advisory]
    counts = ", ".join(f"{state} {n:,}" for state, n in incident.affected_by_state.items())
    if incident.affected_unknown_residence:
        counts += f", unknown residence {incident.affected_unknown_residence:,}"
    reviewed = rules.last_reviewed.isoformat() if rules.last_reviewed else "unknown"
    body = header_table([
        ("Incident", incident.title), ("Discovered", incident.discovered_on.isoformat()),
        ("Days since discovery", str((today - incident.discovered_on).days)),
        ("Affected", f"{incident.total_affected:,}" + (f" ({counts})" if counts else "")),
    ])
    body += (f'<p class="warn">{esc(rules.verify_note)} Rules last reviewed {esc(reviewed)}.'
             "</p>")
    if incident.delay is not None:
        body += f"<p>Law-enforcement delay: {esc(incident.delay.describe())}.</p>"
        lines = delay_summary(obligations)
        if lines:
            body += "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in lines) + "</ul>"
    if rules.problems:
        items = "".join(f"<li>{esc(p)}</li>" for p in rules.problems)
        body += ('<p class="warn">These rules could not be read and are NOT on this sheet:</p>'
                 f"<ul>{items}</ul>")
    if not rules.rules:
        body += '<p class="warn">No deadlines could be computed: no rule could be read.</p>'
    elif not obligations:
        body += "<p>No notices are triggered: record how many people are affected, by state.</p>"
    if prompts:
        body += "<h2>To decide now (not notices)</h2>" + _table(prompts, today)
    if running:
        body += "<h2>Running clocks</h2>" + _table(running, today)
    if done:
        body += "<h2>Done</h2>" + _table(done, today)
    if advisory:
        body += ("<h2>Check with counsel (not counted as clocks)</h2>"
                 + _table(advisory, today))
    body += filings_section(filings, reminders, today)
    if not_in_force:
        body += ("<h2>Not in force for this discovery date (do not apply)</h2>"
                 + _not_in_force(not_in_force))
    foot = (f"{org + ' · ' if org else ''}Printed {printed or today.isoformat()}. Dates are "
            "calendar dates; business days skip weekends but not holidays.")
    return document("Notification obligations", KEEP_TABLES_TOGETHER + body,
                    sub="Who must be told, by when (45 CFR 164.404-412 and state laws).",
                    foot=esc(foot))

"""What goes on a calling tree's paper: the chart, the call sheets and the wallet cards.

This gathers plain data (no HTML, no Qt) that `printing/calling_tree_paper.py` lays out. When
the tree has an open activation, the paper shows that activation's frozen copy and its approved
script, so the sheets match the calls being recorded; otherwise it shows the tree as it is now,
with room to write the script given at activation. Every sheet carries the tree version and
the print date, because paper goes stale and people need to know how stale.

Paper printed before a tree is started still carries the approved call script: the facts the
desk knows (the organisation, the staff hotline) are filled in and the ones only known on the
day (the message, what to do, whom to report to) are left as blanks in capitals and brackets,
listed in `TreePaper.blanks` so the printout can make them stand out. With no approved script
the sheet keeps an empty box to write the script in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crisisdesk.domain.call_escalation import FrozenPerson, freeze
from crisisdesk.domain.errors import UserError
from crisisdesk.domain.formatting import format_phone
from crisisdesk.domain.phones import Phone
from crisisdesk.domain.templates import VarType
from crisisdesk.domain.times import PAPER_MINUTES
from crisisdesk.services import settings as settings_service
from crisisdesk.services import templates as template_service
from crisisdesk.services.calling_trees import activations as activation_service
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.facts import incident_facts
from crisisdesk.services.localtime import show
from crisisdesk.services.session import Session

COORDINATOR = "The coordinator"
BLANKS = {  # what is only known when the tree is started, as the paper asks for it
    "drill_notice": "[IF THIS IS A DRILL, SAY: This is a drill.]",
    "message_summary": "[THE MESSAGE, WORD FOR WORD: ____________________________]",
    "action_requested": "[WHAT THEY MUST DO: ____________________________]",
    "report_back_to": "[REPORT BACK TO, NAME AND NUMBER: ____________________]",
    "staff_hotline": "[STAFF HOTLINE NUMBER: ______________]",
}
STAND_IN_PHONE = "+1 201-555-0147"  # renders where an unknown phone number goes, then replaced


@dataclass(frozen=True)
class PaperPerson:
    name: str
    job_title: str
    phones: tuple[Phone, ...]
    depth: int = 0
    backup: str = ""


@dataclass(frozen=True)
class CallerSheet:
    caller: PaperPerson
    backup: PaperPerson | None
    people: tuple[PaperPerson, ...]


@dataclass(frozen=True)
class TreePaper:
    org: str
    tree_name: str
    version: int
    printed: str
    script: str
    activation: str  # "" for the tree itself, else e.g. "Drill started 2026-03-02 14:05"
    chart: tuple[PaperPerson, ...]
    sheets: tuple[CallerSheet, ...]
    blanks: tuple[str, ...] = ()  # the script's blanks to fill in on the day (no activation)
    script_source: str = ""  # e.g. "calling-tree-script-en v2" for a script to complete


def script_to_complete(session: Session, key: str = activation_service.SCRIPT_TEMPLATE,
                       known: Mapping[str, object] | None = None
                       ) -> tuple[str, tuple[str, ...], str]:
    """(text, blanks, source): the approved call script (or another approved template `key`)
    as far as the desk knows it now (the incident's facts, or `known`), with a blank for each
    fact only known when the tree is started; ("", (), "") when there is no approved version
    or it cannot be filled in this way."""
    try:
        approved = template_service.require_approved(session, key)
    except UserError:
        return "", (), ""
    region = str(settings_service.get(session, "default_phone_region"))
    known = incident_facts(session) if known is None else known
    values: dict[str, object] = {}
    stand_ins: dict[str, str] = {}  # what renders in the text -> the blank that replaces it
    for i, var in enumerate(approved.meta.variables):
        if var.name in known:
            values[var.name] = known[var.name]
            continue
        blank = BLANKS.get(var.name) or f"[{var.name.replace('_', ' ').upper()}: ________]"
        if var.type is VarType.TEXT:
            stand_in = f"QXBLANK{i}XQ"
            values[var.name] = stand_in
        elif var.type is VarType.PHONE and STAND_IN_PHONE not in values.values():
            values[var.name] = STAND_IN_PHONE
            stand_in = format_phone(STAND_IN_PHONE, region)
        else:
            return "", (), ""  # a kind of fact a blank cannot stand in for
        stand_ins[stand_in] = blank
    try:
        text = template_service.render_approved(session, approved, values).plain
    except UserError:
        return "", (), ""
    for stand_in, blank in stand_ins.items():
        text = text.replace(stand_in, blank)
    if "QXBLANK" in text:  # a filter changed a stand-in beyond recognition
        return "", (), ""
    return text.strip(), tuple(stand_ins.values()), f"{approved.key} v{approved.version}"


def _paper(p: FrozenPerson, backup: str = "") -> PaperPerson:
    return PaperPerson(p.name, p.job_title, p.phones, p.depth, backup)


def tree_paper(session: Session, tree_ref: str) -> TreePaper:
    """Paper data for a tree (the open activation's frozen copy and script if there is one)."""
    tree = tree_service.get_tree(session, tree_ref)
    running = activation_service.list_activations(session, tree.id, only_open=True)
    blanks: tuple[str, ...]
    contacts = tree_service.contacts_for(session, tree)
    if running:
        act = running[0]
        people = activation_service.view(session, act.id).people
        version, script = act.tree_version, act.script
        blanks, source = (), ""
        kind = "Drill" if act.is_drill else "Activation"
        heading = f"{kind} started {show(session, act.started_at, PAPER_MINUTES)}"
    else:
        people = freeze(tree.nodes, {cid: (c.name, c.job_title, c.phones)
                                     for cid, c in contacts.items()})
        version, heading = tree.version, ""
        script, blanks, source = script_to_complete(session)
    by_id = {p.contact_id: p for p in people}

    def backup_of(p: FrozenPerson) -> PaperPerson | None:
        if not p.backup_id:
            return None
        if p.backup_id in by_id:
            return _paper(by_id[p.backup_id])
        contact = contacts.get(p.backup_id)
        return PaperPerson(contact.name, contact.job_title, contact.phones) if contact else None

    chart = tuple(_paper(p, backup.name if (backup := backup_of(p)) else "") for p in people)
    kids: dict[str | None, list[FrozenPerson]] = {}
    for p in people:
        kids.setdefault(p.caller_id, []).append(p)
    sheets = []
    top = kids.get(None, [])
    if top:
        sheets.append(CallerSheet(PaperPerson(COORDINATOR, "", ()), None,
                                  tuple(_paper(p) for p in top)))
    for p in people:
        if p.contact_id in kids:
            sheets.append(CallerSheet(_paper(p), backup_of(p),
                                      tuple(_paper(k) for k in kids[p.contact_id])))
    printed = f"{show(session, session.now_iso(), PAPER_MINUTES)} by {session.operator.name}"
    return TreePaper(settings_service.display_org(session), tree.name, version, printed, script,
                     heading, chart, tuple(sheets), blanks, source)


def note_printed(session: Session, tree_ref: str, what: str) -> None:
    """Record that paper was made (people's numbers left the desk on it)."""
    tree = tree_service.get_tree(session, tree_ref)
    with session.action("tree.print", "calling_tree", tree.id,
                        f"Printed the {what} of calling tree {tree.name!r} "
                        f"(version {tree.version})"):
        pass


__all__ = ["COORDINATOR", "CallerSheet", "PaperPerson", "TreePaper", "note_printed",
           "script_to_complete", "tree_paper"]

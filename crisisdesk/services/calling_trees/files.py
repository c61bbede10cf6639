"""Calling trees in and out of files: CSV/XLSX import and CSV export (`person, caller,
backup`), and a tree's people as vCards so callers can carry them on their phones.

Import reads the file with the one reader every import uses (`services.files.open_source`:
encodings, delimiters, Excel), checks every row with `domain.tree_files` and writes the whole
tree in one action, or nothing. Export writes names (an id where a name is shared by two
contacts, so the file imports back to the same people) with spreadsheet-safe cells.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from crisisdesk.domain.calling_trees import CallingTree, clean_name, in_call_order
from crisisdesk.domain.errors import RowProblem, UserError, ValidationError
from crisisdesk.domain.tree_files import (
    COLUMNS,
    TreeImportRejected,
    name_key,
    nodes_from_rows,
    resolver,
    tree_rows,
)
from crisisdesk.services.calling_trees import trees as tree_service
from crisisdesk.services.files import open_source
from crisisdesk.services.files.csv_export import write_csv, write_error
from crisisdesk.services.session import Session
from crisisdesk.store import calling_trees as store
from crisisdesk.store import contacts as contact_store
from crisisdesk.store.files import atomic_path


def _all_contacts(session: Session) -> dict[str, str]:
    return {c.id: c.name for c in contact_store.iter_all(session.db)}


def import_tree(session: Session, path: Path, *, tree_ref: str | None = None,
                name: str | None = None) -> CallingTree:
    """Replace `tree_ref`'s people with the file's, or create a tree called `name`."""
    source = open_source(Path(path))
    if source.format not in ("csv", "xlsx"):
        raise UserError(f"{Path(path).name} is not a CSV or Excel (.xlsx) calling tree.")
    problems: list[RowProblem] = []
    body: list[tuple[int, dict[str, str]]] = []
    for line, row in source.rows():
        if isinstance(row, str):
            problems.append(RowProblem(line, row))
        else:
            body.append((line, row))
    rows = tree_rows(source.headers, body)
    if problems:
        raise TreeImportRejected(problems, len(rows) + len(problems))
    nodes = nodes_from_rows(rows, resolver(_all_contacts(session)))
    if tree_ref is None:
        title = clean_name(name or Path(path).stem.replace("-", " ").replace("_", " "))
        if store.name_taken(session.db, title):
            raise ValidationError(f"There is already a calling tree named {title!r}.",
                                  {"name": "taken"})
        tree_id, existing = str(uuid.uuid4()), None
    else:
        existing = tree_service.get_tree(session, tree_ref)
        tree_id, title = existing.id, existing.name
    with session.action("tree.import", "calling_tree", tree_id,
                        f"Imported {len(nodes)} people into calling tree {title!r} from "
                        f"{Path(path).name}") as act:
        if existing is None:
            store.insert_tree(session.db, tree_id, title, "", at=act.at,
                              by=session.operator.name)
        store.save_nodes(session.db, tree_id, store.nodes(session.db, tree_id), nodes,
                         at=act.at, by=session.operator.name)
        if existing is not None:
            store.update_tree(session.db, tree_id, at=act.at, by=session.operator.name)
    return tree_service.get_tree(session, tree_id)


def export_tree_csv(session: Session, tree_ref: str, path: Path) -> int:
    """Write the tree as `person, caller, backup` rows in calling order; returns rows."""
    tree = tree_service.get_tree(session, tree_ref)
    names = _all_contacts(session)
    counts: dict[str, int] = {}
    for contact_name in names.values():
        counts[name_key(contact_name)] = counts.get(name_key(contact_name), 0) + 1

    def cell(contact_id: str | None) -> str:
        if not contact_id:
            return ""
        known = names.get(contact_id)
        return known if known and counts[name_key(known)] == 1 else contact_id

    ordered = in_call_order(tree.nodes)
    with session.action("tree.export", "calling_tree", tree.id,
                        f"Exported calling tree {tree.name!r} ({len(ordered)} people) as CSV"):
        write_csv(Path(path), COLUMNS, ([cell(c) for c in (n.contact_id, n.caller_id,
                                                          n.backup_id)] for n, _ in ordered))
    return len(ordered)


def _vcard_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def export_tree_vcard(session: Session, tree_ref: str, path: Path) -> int:
    """Every person in the tree as a vCard 3.0 file; returns how many cards."""
    tree = tree_service.get_tree(session, tree_ref)
    contacts = tree_service.contacts_for(session, tree)
    cards: list[str] = []
    for node, _ in in_call_order(tree.nodes):
        contact = contacts.get(node.contact_id)
        if contact is None:
            continue
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_vcard_text(contact.name)}",
                 f"N:{_vcard_text(contact.name)};;;;"]
        if contact.job_title:
            lines.append(f"TITLE:{_vcard_text(contact.job_title)}")
        if contact.organisation:
            lines.append(f"ORG:{_vcard_text(contact.organisation)}")
        for phone in contact.phones:
            label = _vcard_text(phone.label or "voice").upper()
            lines.append(f"TEL;TYPE={label}:{phone.e164 or phone.original}")
        lines.extend(f"EMAIL:{_vcard_text(email)}" for email in contact.emails)
        lines.append(f"CATEGORIES:{_vcard_text(tree.name)}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    with session.action("tree.export", "calling_tree", tree.id,
                        f"Exported calling tree {tree.name!r} ({len(cards)} people) as vCards"):
        try:
            with atomic_path(Path(path)) as tmp:
                tmp.write_text("\r\n".join(cards) + "\r\n", encoding="utf-8")
        except OSError as exc:
            raise write_error(Path(path), exc) from None
    return len(cards)

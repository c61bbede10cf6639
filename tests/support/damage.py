"""Damage a real desk file the way a failing disk does: one flipped byte in one page."""

from __future__ import annotations

import re
import shutil
import uuid
from pathlib import Path

from crisisdesk.domain.contacts import ContactDraft, ContactKind, validate_draft
from crisisdesk.services.session import Session
from crisisdesk.store import contacts as contact_store
from crisisdesk.store.errors import DB_ERRORS
from crisisdesk.store.salvage import open_reader

PAGE = 4096  # SQLCipher 4's page size


def flip_byte(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def flip_page(path: Path, page: int) -> None:
    """Flip one byte in the middle of `page` (numbered from 1, like SQLite's)."""
    flip_byte(path, (page - 1) * PAGE + PAGE // 2)


def add_contacts(session: Session, count: int) -> None:
    """`count` staff contacts in one action (enough rows to fill several pages)."""
    with session.action("contact.import", "contact", summary=f"Added {count} contacts") as act:
        rows = []
        for i in range(count):
            fields = validate_draft(ContactDraft(
                f"Person {i:04d} Example", "Charge nurse", "Riverside Clinics North Campus",
                ContactKind.STAFF, notes="night shift, ward 4 " * 3))
            rows.append(contact_store.record(str(uuid.uuid4()), fields, created_at=act.at,
                                             updated_at=act.at, updated_by="alex"))
        contact_store.insert_many(session.db, rows)


def checkpoint(session: Session) -> None:
    """Move every committed page from the WAL into desk.db, so the damage lands in pages."""
    session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def leaf_page_of(desk_file: Path, data_key: bytes, table: str, scratch: Path) -> int:
    """A page of `table`'s b-tree other than its root: damaged copies are checked one page at a
    time until quick_check blames the table's tree for exactly that page."""
    conn = open_reader(str(desk_file), data_key)
    try:
        root = int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                                [table]).fetchone()[0])
        pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    finally:
        conn.close()
    for page in range(root + 1, pages + 1):
        copy = scratch / f"probe-{page}.db"
        shutil.copyfile(desk_file, copy)
        flip_page(copy, page)
        conn = open_reader(str(copy), data_key)
        try:
            report = "\n".join(str(r[0]) for r in conn.execute("PRAGMA quick_check"))
        except DB_ERRORS:  # the check itself could not run: not a clean leaf of this table
            report = ""
        finally:
            conn.close()
            copy.unlink()
        if re.search(rf"^Tree {root} page {page}:", report, re.MULTILINE):
            return page
    raise AssertionError(f"no page of {table} other than its root")

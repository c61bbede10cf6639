"""Templates created after the clone, and the same key created on two laptops.

Why: a message logged, a letter batch or a hotline answer on one laptop refers to a template;
if that template was created after the clone and did not travel, the record would wait forever
on every other laptop. So a template created on a team desk travels as a creation record
(store/replica_creations.py, family 'template') with its versions as they are when it first
leaves the laptop: a draft (one the hotline proposed for a question with no approved answer
included), or already approved. Later versions, submissions and approvals are the template's
edit records (store/replica_templates.py). An approval's signature covers desk, template id,
version and content hash, all the same on every laptop, so it verifies there too, and a
template is usable only where it does (services/templates.require_approved).

Same key on two laptops (two coordinators drafted 'storm-closure-en', or the same question
reached two hotlines): keys are unique, and two templates are never merged into one. The one
created later (by creation time, then id: the same on every desk) gets a new key naming its
laptop before the language, 'storm-closure-site-2-laptop-en', on every desk, whichever of the
two arrives first. Where the later one was already here its key is changed: `repl_rekeys`
notes the new key, the only change of a key the schema allows. Each keeps its own versions and
approvals; the import counts the new keys. What copied the key when it was written (a
message log entry, a hotline question) keeps the key it was written with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlite_utils

from crisisdesk.store.creation_order import created_later

KEY_MAX = 63  # domain/templates.py: 2-63 lower-case letters, digits and dashes


def prepare(db: sqlite_utils.Database, row: dict[str, Any], laptop: str,
            laptop_of: Callable[[str], str]) -> tuple[dict[str, Any], int]:
    """The template row to insert (with a new key if it is the later of two with one key),
    and how many templates got a new key (0 or 1). `laptop`: the name of the laptop that
    created `row`; `laptop_of(template id)`: the one that created a template already here."""
    row = dict(row)
    key = str(row["key"])
    other = db.execute("SELECT id, key, language, created_at FROM templates WHERE key = ? "
                       "AND id != ?", [key, row["id"]]).fetchone()
    if other is None:
        return row, 0
    if created_later(row, other[0], other[3]):  # the one created first keeps the key
        row["key"] = free_key(db, key, str(row.get("language") or ""), laptop)
        _note(db, str(row["id"]), key, str(row["key"]), laptop)
        return row, 1
    name = laptop_of(str(other[0]))
    new = free_key(db, key, str(other[2] or ""), name)
    _note(db, str(other[0]), key, new, name)
    db.execute("UPDATE templates SET key = ? WHERE id = ?", [new, other[0]])
    return row, 1


def _note(db: sqlite_utils.Database, template_id: str, was: str, key: str,
          laptop: str) -> None:
    db.execute("INSERT OR REPLACE INTO repl_rekeys (template_id, was, key, laptop) "
               "VALUES (?, ?, ?, ?)", [template_id, was, key, laptop])


def free_key(db: sqlite_utils.Database, key: str, language: str, laptop: str) -> str:
    """'storm-closure-site-2-laptop-en' (or with a number if even that is taken): a valid
    key, the language kept last so the template's translations still line up."""
    slug = re.sub(r"[^a-z0-9]+", "-", laptop.casefold())[:24].strip("-") or "laptop"
    tail = f"-{language}" if language and key.endswith(f"-{language}") else ""
    base = key[:len(key) - len(tail)] if tail else key
    n = 1
    while True:
        mark = f"-{slug}" + (f"-{n}" if n > 1 else "")
        room = KEY_MAX - len(mark) - len(tail)
        candidate = f"{base[:room].rstrip('-')}{mark}{tail}"
        if db.execute("SELECT 1 FROM templates WHERE key = ?", [candidate]).fetchone() is None:
            return candidate
        n += 1


def rekeyed(db: sqlite_utils.Database) -> dict[str, tuple[str, str]]:
    """Template id -> (key it was created with, laptop) for templates given a new key here."""
    return {str(r[0]): (str(r[1]), str(r[2])) for r in db.execute(
        "SELECT template_id, was, laptop FROM repl_rekeys")}

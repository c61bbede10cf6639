"""What a desk's replicated tables hold, comparable between laptops: every row of every
replicated table (without the desk's own numbering), and each person's folded call state."""

from __future__ import annotations

from typing import Any

from crisisdesk.services.session import Session
from crisisdesk.store import replication as repl

COMPARED = [f.table for f in repl.FAMILIES.values()] + ["activation_people"]
COMPARED += ["letters", "systems", "filings"]  # rows set from their records' latest
LOCAL = {f.table: f.local_cols for f in repl.FAMILIES.values()}  # each desk's own
COMPARED += [f.children[0] for f in repl.FAMILIES.values()
             if f.children and f.children[0] not in COMPARED]  # a new tree's people
COMPARED += ["role_assignments"]  # line-ups, set from their edit records
LOCAL["role_assignments"] = ("id",)  # each desk writes a line-up's rows itself


def picture(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in COMPARED:
        cursor = session.db.execute(f"SELECT * FROM [{table}]")
        cols = [d[0] for d in cursor.description]
        keep = [i for i, c in enumerate(cols) if c != "seq" and c not in LOCAL.get(table, ())]
        out[table] = sorted(tuple(row[i] for i in keep) for row in cursor.fetchall())
    out["template_versions"] = _versions(session)
    out["repl_records"] = sorted(session.db.execute(
        "SELECT id, family, origin, operator, at FROM repl_records").fetchall())
    return out


def _versions(session: Session) -> list[tuple[Any, ...]]:
    """Template versions: each desk numbers the rows itself (`id`), and a version retired
    keeps what that desk had of it (store/replica_templates.py): only its number compares."""
    cursor = session.db.execute("SELECT * FROM template_versions")
    cols = [d[0] for d in cursor.description]
    out = []
    for row in cursor.fetchall():
        values = dict(zip(cols, row, strict=True))
        if values["status"] == "retired":
            out.append((values["template_id"], values["version"], "retired"))
        else:
            out.append(tuple(v for c, v in values.items() if c != "id"))
    return sorted(out, key=repr)

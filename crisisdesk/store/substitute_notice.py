"""The substitute notice as carried out: one row per incident (web posting, toll-free line)
and one per major media placement."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from crisisdesk.domain.substitute_plan import MediaPlacement, SubstitutePlan


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(str(value)) if value else None


def plan(db: sqlite_utils.Database, incident_id: str) -> SubstitutePlan:
    row = db.execute("SELECT web_url, web_first_posted, hotline_number, hotline_open_until "
                     "FROM substitute_notice WHERE incident_id = ?", [incident_id]).fetchone()
    placements = tuple(
        MediaPlacement(str(r[0]), str(r[1]), dt.date.fromisoformat(str(r[2])))
        for r in db.execute("SELECT id, outlet, placed_on FROM substitute_media "
                            "WHERE incident_id = ? ORDER BY placed_on, created_at",
                            [incident_id]))
    if row is None:
        return SubstitutePlan(placements=placements)
    return SubstitutePlan(str(row[0]), _date(row[1]), str(row[2]), _date(row[3]), placements)


def put(db: sqlite_utils.Database, incident_id: str, value: SubstitutePlan, at: str,
        by: str) -> None:
    db.execute(
        "INSERT INTO substitute_notice (incident_id, web_url, web_first_posted, hotline_number, "
        "hotline_open_until, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(incident_id) DO UPDATE SET web_url = excluded.web_url, "
        "web_first_posted = excluded.web_first_posted, "
        "hotline_number = excluded.hotline_number, "
        "hotline_open_until = excluded.hotline_open_until, updated_at = excluded.updated_at, "
        "updated_by = excluded.updated_by",
        [incident_id, value.web_url,
         value.web_first_posted.isoformat() if value.web_first_posted else "",
         value.hotline_number,
         value.hotline_open_until.isoformat() if value.hotline_open_until else "", at, by])


def add_placement(db: sqlite_utils.Database, incident_id: str, placement: MediaPlacement,
                  at: str, by: str) -> None:
    db.execute("INSERT INTO substitute_media (id, incident_id, outlet, placed_on, created_at, "
               "created_by) VALUES (?, ?, ?, ?, ?, ?)",
               [placement.id, incident_id, placement.outlet, placement.placed_on.isoformat(),
                at, by])

"""Operational periods set aside because two laptops of the team started the same period.

Why: of two period 2s the one started first is kept everywhere and the other is set aside with
its line-ups (store/replica_periods.py). Its coordinator must see that, and what they had
assigned in it, to assign again in the kept period what still matters: `crisisdesk roles list`
and the Roles page say "Period 2 started on Site 2 laptop at … was set aside: Command centre
started period 2 first", with the set-aside line-ups readable under it.
"""

from __future__ import annotations

from dataclasses import dataclass

from crisisdesk.services import roles as role_service
from crisisdesk.services.localtime import show
from crisisdesk.services.session import Session
from crisisdesk.services.team_conflict_values import person
from crisisdesk.store import replica_periods, tree_changes
from crisisdesk.store import replication as repl
from crisisdesk.store import roles as role_store


@dataclass(frozen=True)
class SetAsidePeriod:
    number: int
    laptop: str  # the laptop that started it
    started_at: str  # UTC
    when: str  # in the desk's zone
    kept_laptop: str  # the laptop that started the period kept instead
    line_ups: tuple[tuple[str, tuple[str, ...]], ...]  # (role, people in rank order)

    def sentence(self) -> str:
        return (f"Period {self.number} started on {self.laptop} at {self.when} was set aside: "
                f"{self.kept_laptop} started period {self.number} first.")

    def lines(self) -> list[str]:
        """The sentence, then its line-ups ('  Incident Commander: Lee Lead, Ann Able')."""
        out = [self.sentence()]
        out += [f"  {role}: {', '.join(people)}" for role, people in self.line_ups]
        if not self.line_ups:
            out.append("  (no one was assigned in it)")
        return out

    def as_dict(self) -> dict[str, object]:
        return {"number": self.number, "laptop": self.laptop, "started_at": self.started_at,
                "kept_laptop": self.kept_laptop, "text": self.sentence(),
                "line_ups": [{"role": r, "people": list(p)} for r, p in self.line_ups]}


def set_aside_periods(session: Session) -> list[SetAsidePeriod]:
    """The periods set aside on this desk, by number ([] on a desk not part of a team)."""
    db = session.db
    ident = repl.identity(db)
    rows = replica_periods.set_aside_details(db) if ident else []
    if not rows or ident is None:
        return []
    laptops = tree_changes.laptop_names(db, ident)

    def laptop(origin: object) -> str:
        return laptops.get(str(origin), str(origin)[:8]) if origin else "the first laptop"

    roles = {r.key: r.title for r in role_service.catalogue(session).roles}
    out = []
    for row in rows:
        by_role: dict[str, list[tuple[int, str]]] = {}
        for a in role_store.assignments(db, str(row["id"])):
            by_role.setdefault(a.role_key, []).append((a.rank, a.contact_id))
        line_ups = tuple(
            (roles.get(key, key), tuple(person(db, cid)
                                        for _, cid in sorted(held)))
            for key, held in sorted(by_role.items(), key=lambda kv: roles.get(kv[0], kv[0])))
        started = str(row["created_at"])
        out.append(SetAsidePeriod(int(row["number"]), laptop(row["origin"]), started,
                                  show(session, started) if started else "an unknown time",
                                  laptop(row["kept_origin"]), line_ups))
    return out

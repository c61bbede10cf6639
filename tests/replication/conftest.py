"""Team desks for the replication tests: desk A with an incident, a calling tree and a running
activation, cloned to laptops B and C (each its own folder under tmp_path)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from crisisdesk.services import desk as desk_service
from crisisdesk.services import team
from crisisdesk.services.calling_trees import activations, trees
from crisisdesk.services.session import Session
from tests.support.crisis import NOW, freeze, open_incident, staff
from tests.support.desk import PASSPHRASE

START = {"message": "Our systems are down.", "action": "Use the paper forms.",
         "report_back_to": "the command center", "values": {"staff_hotline": "312-555-0100"}}


@dataclass
class Team:
    a: Session
    b: Session
    c: Session
    activation: str
    people: list[str]  # contact ids in the activation
    tmp: Path

    @property
    def desks(self) -> dict[str, Session]:
        return {"A": self.a, "B": self.b, "C": self.c}


def tick(session: Session, minutes: int) -> None:
    """Move the desk's clock on (each laptop records at its own times)."""
    freeze(session, NOW + dt.timedelta(minutes=minutes))


@contextmanager
def cloned(session: Session, tmp_path: Path, activation: str = "",
           people: Sequence[str] = ()) -> Iterator[Team]:
    """Desk A as it is now cloned to laptops B ("Site 2 laptop") and C ("Spokesperson laptop"),
    each unlocked in its own folder under tmp_path with the tests' clock."""
    team.clone_desk(session, tmp_path / "B", "Site 2 laptop", this_name="Command centre")
    team.clone_desk(session, tmp_path / "C", "Spokesperson laptop")
    b = desk_service.unlock(tmp_path / "B", "alex", PASSPHRASE)
    c = desk_service.unlock(tmp_path / "C", "alex", PASSPHRASE)
    freeze(b)
    freeze(c)
    try:
        yield Team(session, b, c, activation, list(people), tmp_path)
    finally:
        b.close()
        c.close()


@pytest.fixture
def team_desks(session: Session, tmp_path: Path) -> Iterator[Team]:
    freeze(session)
    open_incident(session)
    names = ["Lee Lead", "Ann Able", "Bo Baker", "Cy Cole", "Di Dunn", "Ed Eve"]
    people = [staff(session, n, phone=f"(312) 555-01{i:02d}").id for i, n in enumerate(names)]
    tree = trees.create_tree(session, "All staff")
    trees.add_person(session, tree.id, people[0])
    for pid in people[1:]:
        trees.add_person(session, tree.id, pid, caller_id=people[0])
    act = activations.start_activation(session, tree.id, **START)  # type: ignore[arg-type]
    with cloned(session, tmp_path, act.id, people) as t:
        yield t

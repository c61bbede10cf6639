"""A re-encryption killed at any step leaves a desk that opens, with nothing lost: before the
marker it opens with the old key (the operator still there), after it with the new one.

Each case runs the removal in a child process that dies with `os._exit` (no cleanup, no
`finally`, like a power cut) at one step; the next open resolves what it left."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crisisdesk.domain.contacts import ContactDraft, ContactKind
from crisisdesk.domain.errors import WrongPassphrase
from crisisdesk.domain.operators import Role
from crisisdesk.services import audit as audit_service
from crisisdesk.services import contacts as contact_service
from crisisdesk.services import desk as desk_service
from crisisdesk.services import operators as operator_service
from crisisdesk.services.session import Session
from crisisdesk.store.rekey import MARKER_FILE
from crisisdesk.store.vault import SLOTS_FILE
from tests.support.desk import PASSPHRASE

CHILD = r"""
import os, sys
from pathlib import Path
from crisisdesk.services import desk, operators
from crisisdesk.store import rekey

data_dir, step = Path(sys.argv[1]), sys.argv[2]
real_replace = os.replace

def die(*_args, **_kwargs):
    os._exit(17)

def replace(src, dst):
    name = Path(dst).name
    if (step == "switch-db" and name == "desk.db") or (
            step == "switch-slots" and name == "keyslots.json"
            and Path(src).name == rekey.MARKER_FILE):
        die()
    real_replace(src, dst)

cancel = None
if step == "mid-export":  # killed inside sqlcipher_export, the live file's write lock held
    def cancel():
        die()
elif step == "copy":  # the copy exists, half done: its audit chain key not yet pinned
    rekey.keep_audit_chain = die
elif step == "verify":
    rekey._verify = die
elif step == "marker":  # verified copy, no marker yet
    rekey.write_bytes_atomic = die
else:
    rekey.os.replace = replace
session = desk.unlock(data_dir, "alex", sys.argv[3])
operators.remove_operator(session, "bea", is_cancelled=cancel)
os._exit(0)
"""

# step -> whether the removal happened once the desk is opened again
STEPS = {"mid-export": False, "copy": False, "verify": False, "marker": False, "switch-db": True,
         "switch-slots": True, "none": True}


def _desk(session: Session) -> int:
    operator_service.add_operator(session, "bea", Role.OPERATOR, "beas passphrase")
    for i in range(30):
        contact_service.add_contact(session, ContactDraft(
            f"Person {i}", "Nurse", "ICU", ContactKind.STAFF, [("mobile", "(312) 555-0142")]))
    return contact_service.count_contacts(session)


@pytest.mark.parametrize("step", list(STEPS))
def test_a_kill_at_each_step_leaves_an_openable_desk_with_nothing_lost(
    session: Session, data_dir: Path, step: str
) -> None:
    contacts = _desk(session)
    session.close()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.run([sys.executable, "-c", CHILD, str(data_dir), step, PASSPHRASE],
                           env=env, capture_output=True, text=True, timeout=120)
    assert child.returncode == (0 if step == "none" else 17), child.stderr
    if step in ("switch-db", "switch-slots"):
        assert (data_dir / MARKER_FILE).exists()  # the kill really came mid-switch
    if step in ("mid-export", "copy", "verify", "marker", "switch-db"):
        assert (data_dir / "desk.db.rekey").exists()  # ... and left the copy behind

    reopened = desk_service.unlock(data_dir, "alex", PASSPHRASE)
    try:
        assert contact_service.count_contacts(reopened) == contacts
        report = audit_service.verify(reopened)
        assert report.ok, report.problem
        names = [op.name for op in operator_service.list_operators(reopened)]
        assert ("bea" not in names) is STEPS[step]
    finally:
        reopened.close()
    leftovers = sorted(p.name for p in data_dir.iterdir() if "rekey" in p.name)
    assert leftovers in ([], ["rekey.lock"])
    if STEPS[step]:
        with pytest.raises(WrongPassphrase):
            desk_service.unlock(data_dir, "bea", "beas passphrase")
    else:
        desk_service.unlock(data_dir, "bea", "beas passphrase").close()
        removed = desk_service.unlock(data_dir, "alex", PASSPHRASE)
        try:  # and the removal can simply be done again
            operator_service.remove_operator(removed, "bea")
            assert contact_service.count_contacts(removed) == contacts
        finally:
            removed.close()
    assert (data_dir / SLOTS_FILE).exists()

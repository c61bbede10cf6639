"""Operators: add, list, remove, change passphrase, replace the recovery key (admins only,
except that everyone may change their own passphrase).

Each change that touches who may do what is also a new version of the signed roster, signed by
the acting admin (services/roster.py): adding or removing someone, a new signing key when an
admin sets another operator's passphrase (the admin cannot unwrap the old key), and a new
recovery key. Changing your own passphrase keeps your signing key: it is rewrapped. Removing
someone and replacing the recovery key also re-encrypt the desk (services/rekey.py); their
roster change is made in the re-encrypted copy, so it exists only if the switch happens.
"""

from __future__ import annotations

from collections.abc import Callable

from crisisdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from crisisdesk.domain.operators import (
    Operator,
    Role,
    check_new_passphrase,
    normalise_operator_name,
)
from crisisdesk.domain.roster import new_private_key, public_key
from crisisdesk.services import rekey as rekey_service
from crisisdesk.services import roster as roster_service
from crisisdesk.services import settings as settings_service
from crisisdesk.services.rekey import Progress
from crisisdesk.services.session import Action, Session
from crisisdesk.store import operators as operator_store
from crisisdesk.store.vault import KdfParams, slot_key


def min_passphrase_chars(session: Session) -> int:
    """The desk's rule for new passphrases (the `min_passphrase_chars` setting)."""
    return int(settings_service.get(session, "min_passphrase_chars"))


def list_operators(session: Session) -> list[Operator]:
    return operator_store.active(session.db)


def add_operator(session: Session, name: str, role: Role, passphrase: str,
                 kdf: KdfParams | None = None) -> Operator:
    session.require(Role.ADMIN, "add operators")
    name = normalise_operator_name(name)
    check_new_passphrase(passphrase, min_passphrase_chars(session))
    if operator_store.find(session.db, name) is not None:
        raise ValidationError(f"There is already an operator named {name}.", {"name": "taken"})
    session.reload_vault()
    with session.action("operator.add", "operator", summary=f"Added {name} as {role.value}") as act:
        op = operator_store.insert(session.db, name, role, act.at, session.operator.name)
        act.entity_id = op.id
        signing_key = new_private_key()
        roster_service.record_change(session, at=act.at, add=roster_service.member(
            op.id, name, role, public_key(signing_key)))
        session.vault.set_operator_slot(session._data_key, name, passphrase, kdf,
                                        signing_key=signing_key)
        session.vault.save()
    return op


def remove_operator(session: Session, name: str, *, progress: Progress | None = None,
                    is_cancelled: Callable[[], bool] | None = None) -> Operator:
    """Remove an operator and re-encrypt the desk with a new data key that their slot never
    held: a copy of the old slot file no longer opens the live desk (see services/rekey.py)."""
    prepared, op = prepare_removal(session, name, progress=progress, is_cancelled=is_cancelled)
    rekey_service.finish(session, prepared)
    return op


def prepare_removal(
    session: Session, name: str, *, progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> tuple[rekey_service.PreparedRekey, Operator]:
    """The slow half of `remove_operator` (the worker's part in the GUI): nothing live changes
    until `rekey_service.finish`."""
    session.require(Role.ADMIN, "remove operators")
    op = operator_store.find(session.db, name)
    if op is None:
        raise NotFound(f"No operator named {name}.")
    if slot_key(op.name) == slot_key(session.operator.name):
        raise PermissionDenied("You cannot remove yourself; ask another admin.")
    if op.role is Role.ADMIN and operator_store.count_admins(session.db) <= 1:
        raise PermissionDenied("A desk needs at least one admin; add another admin first.")

    def apply(copy: Session, act: Action) -> None:
        operator_store.mark_removed(copy.db, op, act.at, session.operator.name)
        roster_service.record_change(copy, at=act.at, remove=slot_key(op.name))

    change = rekey_service.Change("operator.remove", "operator", op.id,
                                  f"Removed {op.name}; re-encrypted the desk with a new key",
                                  apply)
    prepared = rekey_service.prepare(session, change, drop_operator=op.name, progress=progress,
                                     is_cancelled=is_cancelled)
    return prepared, op


def change_passphrase(session: Session, name: str, new_passphrase: str,
                      kdf: KdfParams | None = None) -> None:
    """Your own passphrase, or (as an admin) anyone's."""
    op = operator_store.find(session.db, name)
    if op is None:
        raise NotFound(f"No operator named {name}.")
    if slot_key(op.name) != slot_key(session.operator.name):
        session.require(Role.ADMIN, "change another operator's passphrase")
    check_new_passphrase(new_passphrase, min_passphrase_chars(session))
    session.reload_vault()
    own = slot_key(op.name) == slot_key(session.operator.name)
    with session.action("operator.passwd", "operator", op.id,
                        f"Changed the passphrase of {op.name}") as act:
        if own and session.can_sign:
            signing_key = session.signing_key_for_rewrap()
        else:  # someone else's: their old key cannot be unwrapped, so a new one, signed in
            signing_key = new_private_key()
            act.summary += "; new signing key on the roster"
            roster_service.record_change(session, at=act.at, key_for=(
                slot_key(op.name), public_key(signing_key)))
        session.vault.set_operator_slot(session._data_key, op.name, new_passphrase, kdf,
                                        signing_key=signing_key)
        session.vault.save()


def replace_recovery_key(session: Session, kdf: KdfParams | None = None, *,
                         progress: Progress | None = None,
                         is_cancelled: Callable[[], bool] | None = None) -> str:
    """Make a new recovery key and re-encrypt the desk with a new data key (the old printed key
    stops working, even with a copy of the old slot file); returns it to be printed once."""
    prepared = prepare_recovery_key(session, kdf, progress=progress, is_cancelled=is_cancelled)
    code = rekey_service.finish(session, prepared)
    assert code is not None
    return code


def prepare_recovery_key(
    session: Session, kdf: KdfParams | None = None, *, progress: Progress | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> rekey_service.PreparedRekey:
    """The slow half of `replace_recovery_key` (the worker's part in the GUI)."""
    session.require(Role.ADMIN, "replace the recovery key")
    signing_key = new_private_key()

    def apply(copy: Session, act: Action) -> None:
        roster_service.record_change(copy, at=act.at, recovery_key=public_key(signing_key))

    change = rekey_service.Change("desk.recovery_key", "desk", session.desk_id,
                                  "Replaced the recovery key; re-encrypted the desk with a new "
                                  "key", apply)
    return rekey_service.prepare(session, change, new_recovery=True, kdf=kdf,
                                 recovery_signing_key=signing_key, progress=progress,
                                 is_cancelled=is_cancelled)

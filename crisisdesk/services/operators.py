"""Operators: add, list, remove, change passphrase, replace the recovery key (admins only,
except that everyone may change their own passphrase)."""

from __future__ import annotations

from crisisdesk.domain.errors import NotFound, PermissionDenied, ValidationError
from crisisdesk.domain.operators import (
    Operator,
    Role,
    check_new_passphrase,
    normalise_operator_name,
)
from crisisdesk.services import settings as settings_service
from crisisdesk.services.session import Session
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
        session.vault.set_operator_slot(session._data_key, name, passphrase, kdf)
        session.vault.save()
    return op


def remove_operator(session: Session, name: str) -> Operator:
    session.require(Role.ADMIN, "remove operators")
    op = operator_store.find(session.db, name)
    if op is None:
        raise NotFound(f"No operator named {name}.")
    if slot_key(op.name) == slot_key(session.operator.name):
        raise PermissionDenied("You cannot remove yourself; ask another admin.")
    if op.role is Role.ADMIN and operator_store.count_admins(session.db) <= 1:
        raise PermissionDenied("A desk needs at least one admin; add another admin first.")
    session.reload_vault()
    with session.action("operator.remove", "operator", op.id, f"Removed {op.name}") as act:
        operator_store.mark_removed(session.db, op, act.at, session.operator.name)
        if session.vault.operator_slot(op.name) is not None:
            session.vault.remove_operator_slot(op.name)
        session.vault.save()
    return op


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
    with session.action("operator.passwd", "operator", op.id,
                        f"Changed the passphrase of {op.name}"):
        session.vault.set_operator_slot(session._data_key, op.name, new_passphrase, kdf)
        session.vault.save()


def replace_recovery_key(session: Session, kdf: KdfParams | None = None) -> str:
    """Make a new recovery key (the old one stops working); returns it to be printed once."""
    session.require(Role.ADMIN, "replace the recovery key")
    session.reload_vault()
    with session.action("desk.recovery_key", "desk", session.desk_id,
                        "Replaced the recovery key"):
        code = session.vault.set_recovery_slot(session._data_key, kdf)
        session.vault.save()
    return code

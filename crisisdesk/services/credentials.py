"""What someone typed to prove they may open a desk: an operator + passphrase, or the recovery key.

Backups and `doctor` open desks other than the live, unlocked one (an extracted backup; a desk
inspected without being migrated), so they need the secret itself rather than a Session.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crisisdesk.domain.errors import UserError
from crisisdesk.services import desk as desk_service
from crisisdesk.services.session import Session
from crisisdesk.store.keychain import Keychain
from crisisdesk.store.vault import Vault, slot_key


@dataclass(frozen=True)
class Credentials:
    operator: str | None = None
    passphrase: str | None = field(default=None, repr=False)
    recovery_code: str | None = field(default=None, repr=False)
    keychain: Keychain | None = field(default=None, repr=False)  # try a remembered secret first
    # The data key itself, already unwrapped from the live desk's slots: how a damaged desk's
    # own backups are checked without asking for the passphrase a second time.
    known_key: bytes | None = field(default=None, repr=False)

    def data_key(self, vault: Vault) -> bytes:
        """Unwrap `vault`'s data key; WrongPassphrase if the secret does not open it."""
        if self.known_key is not None:
            return self.known_key
        if self.recovery_code:
            return vault.unlock_recovery(self.recovery_code)
        if not self.operator:
            raise UserError("Say who you are: --operator NAME or CRISISDESK_OPERATOR.")
        if self.keychain is not None and not self.passphrase:
            secret = self.keychain.fetch(vault.desk_id, slot_key(self.operator))
            if secret is not None:
                return vault.unwrap_with_kek(self.operator, secret)
        if not self.passphrase:
            raise UserError("No passphrase given: set CRISISDESK_PASSPHRASE or use "
                            "--passphrase-file.")
        return vault.unlock(self.operator, self.passphrase)

    def open(self, data_dir: Path) -> Session:
        """A session on the desk in `data_dir` (migrating it if it is older, like any unlock)."""
        if self.recovery_code:
            return desk_service.unlock_with_recovery(data_dir, self.recovery_code)
        if not self.operator or not self.passphrase:
            raise UserError("Give an operator and passphrase, or the recovery key.")
        return desk_service.unlock(data_dir, self.operator, self.passphrase)

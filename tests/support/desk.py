"""The passphrase, cheap KDF and in-memory keychain every test desk uses."""

from __future__ import annotations

import keyring.backend

from crisisdesk.store import vault

PASSPHRASE = "correct horse battery"
FAST_KDF = vault.KdfParams(iterations=1, lanes=1, memory_cost=8)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keychain that lives only in this process (tests pass it with trusted=True)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)

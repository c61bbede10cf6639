"""'Remember on this computer': an operator's slot key in the OS keychain, never in a file.

Only real OS keychains are accepted (macOS Keychain, Windows Credential Locker, Secret Service,
KWallet). keyrings.alt's file backends keep secrets in a file beside the user's data, and the
null/fail backends keep nothing; both are refused with an explanation, and the passphrase
keeps working. Tests pass an in-memory backend with `trusted=True`.
"""

from __future__ import annotations

import contextlib

import keyring
import keyring.backend
from keyring.errors import KeyringError

from crisisdesk.domain.errors import UserError

REAL_BACKEND_MODULES = (
    "keyring.backends.macOS",
    "keyring.backends.Windows",
    "keyring.backends.SecretService",
    "keyring.backends.kwallet",
    "keyring.backends.libsecret",
)


class KeychainRefused(UserError):
    pass


def _leaves(backend: keyring.backend.KeyringBackend) -> list[keyring.backend.KeyringBackend]:
    inner = getattr(backend, "backends", None)
    if inner is not None:  # ChainerBackend
        return [leaf for b in inner for leaf in _leaves(b)]
    return [backend]


def backend_name(backend: keyring.backend.KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def is_real_keychain(backend: keyring.backend.KeyringBackend) -> bool:
    leaves = _leaves(backend)
    return bool(leaves) and all(
        type(b).__module__.startswith(REAL_BACKEND_MODULES) for b in leaves
    )


class Keychain:
    def __init__(
        self, backend: keyring.backend.KeyringBackend | None = None, *, trusted: bool = False
    ) -> None:
        self.backend = backend if backend is not None else keyring.get_keyring()
        self.trusted = trusted

    @property
    def usable(self) -> bool:
        return self.trusted or is_real_keychain(self.backend)

    def describe(self) -> str:
        verdict = "usable" if self.usable else "refused (not a real OS keychain)"
        return f"{backend_name(self.backend)}: {verdict}"

    def refusal(self) -> str:
        return (
            f"'Remember on this computer' needs a real OS keychain, but the keyring backend is "
            f"{backend_name(self.backend)}, which would keep the secret in a plain file or "
            "nowhere; use your passphrase instead."
        )

    @staticmethod
    def _service(desk_id: str) -> str:
        return f"CrisisDesk desk {desk_id}"

    def store(self, desk_id: str, operator_key: str, secret: bytes) -> None:
        if not self.usable:
            raise KeychainRefused(self.refusal())
        try:
            self.backend.set_password(self._service(desk_id), operator_key, secret.hex())
        except KeyringError as exc:
            raise KeychainRefused(f"The keychain refused to store the secret ({exc}).") from None

    def fetch(self, desk_id: str, operator_key: str) -> bytes | None:
        if not self.usable:
            return None
        try:
            value = self.backend.get_password(self._service(desk_id), operator_key)
        except KeyringError:
            return None
        if not value:
            return None
        try:
            return bytes.fromhex(value)
        except ValueError:
            return None

    def forget(self, desk_id: str, operator_key: str) -> None:
        if not self.usable:
            return
        with contextlib.suppress(KeyringError):
            self.backend.delete_password(self._service(desk_id), operator_key)

"""'Remember on this computer': an operator's slot key in the OS keychain, never in a file.

Only real OS keychains are accepted (macOS Keychain, Windows Credential Locker, Secret Service,
KWallet). keyrings.alt's file backends keep secrets in a file beside the user's data, and the
null/fail backends keep nothing; both are refused with an explanation, and the passphrase
keeps working. Tests pass an in-memory backend with `trusted=True`.

`keyring` is imported, and the OS backend looked up, on first use rather than at import: the
package and its backend discovery cost tens of milliseconds (entry points, jaraco, the
backends' own imports), which would otherwise sit in front of the first window even when
nobody uses "remember me". `Keychain()` is therefore free; the first `usable`, `fetch` or
`store` pays, ideally in a worker (`resolved` says whether it has been paid).
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING

from crisisdesk.domain.errors import UserError

if TYPE_CHECKING:
    import keyring.backend

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


def _keyring_error() -> type[Exception]:
    from keyring.errors import KeyringError

    return KeyringError


class Keychain:
    def __init__(
        self, backend: keyring.backend.KeyringBackend | None = None, *, trusted: bool = False
    ) -> None:
        self._backend = backend
        self._lock = threading.Lock()
        self.trusted = trusted

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        """The keyring backend; the OS default is looked up (and `keyring` imported) once."""
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    import keyring

                    self._backend = keyring.get_keyring()
        return self._backend

    @property
    def resolved(self) -> bool:
        """True once the backend is known, so `usable` costs nothing on the GUI thread."""
        return self._backend is not None

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
        except _keyring_error() as exc:
            raise KeychainRefused(f"The keychain refused to store the secret ({exc}).") from None

    def fetch(self, desk_id: str, operator_key: str) -> bytes | None:
        if not self.usable:
            return None
        try:
            value = self.backend.get_password(self._service(desk_id), operator_key)
        except _keyring_error():
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
        with contextlib.suppress(_keyring_error()):
            self.backend.delete_password(self._service(desk_id), operator_key)

"""Who runs a command and on which desk: the options every command shares, and its secrets.

Secrets come from `CRISISDESK_PASSPHRASE`, `--passphrase-file`, the OS keychain (if this
operator chose "remember"), or a hidden prompt, in that order. Never from a plain option.

Kept apart from `common.py` and free of click (imported only to prompt): `crisisdesk` alone
opens the app through this module without loading the command-line parser.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from crisisdesk.domain.errors import UserError
from crisisdesk.paths import resolve_data_dir

if TYPE_CHECKING:  # the storage stack loads when a command opens the desk, not for the app
    from crisisdesk.services.session import Session


@dataclass
class CliContext:
    data_dir_option: str | None
    operator_option: str | None
    passphrase_file: str | None
    recovery_key_file: str | None
    _session: Session | None = field(default=None, repr=False)

    @property
    def data_dir(self) -> Path:
        return resolve_data_dir(self.data_dir_option)

    def operator_name(self, *, required: bool = True) -> str | None:
        name = self.operator_option or os.environ.get("CRISISDESK_OPERATOR")
        if not name and required:
            if sys.stdin.isatty():
                import click

                return str(click.prompt("Operator"))
            raise UserError("Say who you are: --operator NAME or CRISISDESK_OPERATOR.")
        return name

    def passphrase(self, prompt: str = "Passphrase", *, confirm: bool = False) -> str:
        if self.passphrase_file:
            return read_secret_file(self.passphrase_file)
        env = os.environ.get("CRISISDESK_PASSPHRASE")
        if env:
            return env
        if sys.stdin.isatty():
            import click

            return str(click.prompt(prompt, hide_input=True, confirmation_prompt=confirm))
        raise UserError(
            "No passphrase given: set CRISISDESK_PASSPHRASE, use --passphrase-file, "
            "or run in a terminal."
        )

    def session(self) -> Session:
        """Unlock the desk once per command."""
        if self._session is not None:
            return self._session
        from crisisdesk.services import desk as desk_service
        from crisisdesk.store.keychain import Keychain

        if self.recovery_key_file:
            code = read_secret_file(self.recovery_key_file)
            self._session = desk_service.unlock_with_recovery(self.data_dir, code)
            return self._session
        desk_service.load_vault(self.data_dir)  # "no desk here" before asking for secrets
        name = self.operator_name()
        assert name is not None
        has_secret = bool(self.passphrase_file or os.environ.get("CRISISDESK_PASSPHRASE"))
        if not has_secret:
            remembered = desk_service.unlock_from_keychain(self.data_dir, name, Keychain())
            if remembered is not None:
                self._session = remembered
                return remembered
        self._session = desk_service.unlock(self.data_dir, name, self.passphrase())
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def read_secret_file(path: str) -> str:
    """The secret in `path`, as an editor saves it: a UTF-8 BOM (Notepad) and ONE trailing line
    ending (LF or CRLF) are dropped; anything else, spaces included, is part of the secret."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
    text = text.removeprefix("\ufeff")
    for ending in ("\r\n", "\n", "\r"):
        if text.endswith(ending):
            text = text[: -len(ending)]
            break
    secret = text
    if not secret:
        raise UserError(f"{path} is empty.")
    return secret

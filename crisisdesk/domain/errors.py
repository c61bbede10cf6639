"""Typed errors a user can act on.

Every layer raises these; the CLI prints `message` on one line and exits 1, the GUI shows it in
the message bar. Anything that is *not* a UserError is a bug and goes to the crash path.
Messages never contain patient data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class UserError(Exception):
    """An error the user can fix; `str(err)` is one plain sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class WrongPassphrase(UserError):
    def __init__(self, message: str = "Wrong operator name or passphrase.") -> None:
        super().__init__(message)


class DeskNotFound(UserError):
    pass


class DeskExists(UserError):
    pass


class DeskAlreadyOpen(UserError):
    pass


class DeskBusy(UserError):
    pass


class SchemaTooNew(UserError):
    pass


class DeskDamaged(UserError):
    pass


class PermissionDenied(UserError):
    pass


class NeedsConfirmation(UserError):
    """The action is allowed but unusual; the user must confirm (GUI) or say so (a CLI flag)."""


class NotFound(UserError):
    pass


class ValidationError(UserError):
    """One or more fields are invalid; `fields` maps field name -> reason."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = dict(fields or {})


@dataclass(frozen=True)
class RowProblem:
    """A row of an imported file that cannot be used, named by its line number in the file."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportRejected(UserError):
    """A file had bad rows, so nothing was imported."""

    def __init__(self, problems: list[RowProblem], total_rows: int) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more bad rows)" if len(problems) > 1 else ""
        super().__init__(
            f"Nothing was imported: {first}{more}. Fix the file, or use --skip-invalid."
        )
        self.problems = problems
        self.total_rows = total_rows


class FileRejected(UserError):
    """Bad rows in a file from outside (a vendor's, a call centre's): nothing was applied."""

    def __init__(self, name: str, problems: Sequence[RowProblem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more bad rows)" if len(problems) > 1 else ""
        super().__init__(f"Nothing was applied from {name}: {first}{more}. Fix the file and "
                         "import it again.")
        self.problems = [str(p) for p in problems]


class Cancelled(UserError):
    def __init__(self, message: str = "Cancelled; nothing was changed.") -> None:
        super().__init__(message)

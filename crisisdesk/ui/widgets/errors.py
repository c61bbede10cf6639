"""The one place a page or dialog turns a service's `UserError` into words on screen.

Every user action calls one service function, and every service refuses bad input with a
`UserError` (one sentence) or a `ValidationError` (the same, plus the fields it is about).
Instead of each button handler catching it and showing it its own way, the handler runs the
action inside `with user_errors(where):` and puts what happens on success inside the block
too: on a UserError the rest of the block is skipped and the sentence is shown by `where`
(the message bar, a dialog's `FieldErrors`, or any callable taking the error). Anything that
is not a UserError still propagates to the crash handler, so a bug is never shown as if it
were the user's mistake. (qutebrowser routes its command errors through one handler the same
way.)
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, runtime_checkable

from crisisdesk.domain.errors import UserError


@runtime_checkable
class ShowsUserErrors(Protocol):
    def show_user_error(self, err: UserError) -> None: ...


class user_errors:
    """Show a UserError raised in the block through `where` and skip the rest of the block.

    After the block, `failed` says whether it was cut short and `error` holds the error."""

    def __init__(self, where: ShowsUserErrors | Callable[[UserError], object]) -> None:
        self.show: Callable[[UserError], object] = (
            where.show_user_error if isinstance(where, ShowsUserErrors) else where)
        self.error: UserError | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def __enter__(self) -> user_errors:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None,
                 tb: TracebackType | None) -> bool:
        if isinstance(err, UserError):
            self.error = err
            self.show(err)
            return True
        return False

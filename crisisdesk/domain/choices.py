"""Typed text read into one of a fixed set of values, or into one clean line of text.

Every fixed list (incident kinds, inquiry channels, system statuses, call outcomes...) is a
StrEnum. Reading what a person typed into a member, and refusing what is none of them, happens
here so that the GUI, the CLI and imports accept the same spellings and refuse in the same words.
Names and short texts are checked by `checked_text`, and an id prefix or name that should
find one record by `only_match`, for the same reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import TypeVar

from crisisdesk.domain.errors import NotFound, ValidationError

E = TypeVar("E", bound=StrEnum)


class LabelledEnum(StrEnum):
    """A choice shown as its value with spaces: 'system_downtime' -> 'system downtime'."""

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


def choice_list(enum: type[StrEnum]) -> str:
    """The values a person may type, for an error message: 'open, contained, closed'."""
    return ", ".join(member.value for member in enum)


def choice_key(text: object) -> str:
    """'Data breach', 'data-breach', ' DATA_BREACH ' -> 'data_breach'."""
    return "_".join(str(text or "").strip().lower().replace("-", " ").split())


def parse_choice(enum: type[E], value: object, field_name: str, *, what: str = "",
                 aliases: Mapping[str, E] | None = None, problem: str = "not allowed") -> E:
    """The member named by `value` in any case or spacing, or one of `aliases`.

    `what` starts the refusal ("Status must be one of ..."); by default the field's name.
    """
    key = choice_key(value)
    for member in enum:
        if member.value == key:
            return member
    if aliases and key in aliases:
        return aliases[key]
    what = what or field_name.replace("_", " ").capitalize()
    raise ValidationError(f"{what} must be one of {choice_list(enum)}; not {value!r}.",
                          {field_name: problem})


def checked_text(text: str, field_name: str, *, limit: int, too_long: str, missing: str = "",
                 problem: str = "missing") -> str:
    """`text`, already cleaned by the caller, refused when over `limit` or (given `missing`) empty.

    `missing` and `too_long` are the refusals as the person reads them.
    """
    if missing and not text:
        raise ValidationError(missing, {field_name: problem})
    if len(text) > limit:
        raise ValidationError(too_long, {field_name: "too long"})
    return text


T = TypeVar("T")


def only_match(found: Sequence[T], ref: str, *, plural: str, field_name: str,
               not_found: str) -> T:
    """The one record an id prefix or name typed as `ref` found; refused when none or several.

    `plural` names the records in the refusal ("3 calling trees"); `not_found` is the whole
    refusal when nothing matched, best with where to look.
    """
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise ValidationError(f"{ref!r} matches {len(found)} {plural}; give more of the id.",
                              {field_name: "ambiguous"})
    raise NotFound(not_found)

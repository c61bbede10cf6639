"""Filling letters fast: the approved template is filled once per distinct body, not per letter.

Within a batch, letters of one body (template version, language, state insert, information
list, code pool terms) differ only in a few person fields: the name the letter is addressed to,
the patient's name and the enrollment code. Filling the template (in the sandboxed template
process) for every letter is most of what a letter costs, so each distinct body is filled
once with stand-in markers for those fields and each letter gets the markers replaced by its
own values, escaped exactly as the template engine escapes them.

A marker is only trusted when the template treats the field as opaque text: the body is filled
twice with two different marker sets (different lengths) and the second must equal the first
with its markers swapped; a template that tests, measures or transforms a field (an `if`, a
filter) fails that check and its letters are filled one by one as before. The first letter of
each body is also filled the slow way and must come out identical. A letter whose own values
cannot be swapped safely (a value holding a marker) is filled the slow way too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markupsafe import escape

from crisisdesk.domain.letters import Letter

# The person fields a letter fills in; everything else is the same for a whole body.
FIELDS = ("recipient_name", "patient_name", "enrollment_code")
_MARKS_A = tuple(f"Qzv{i}mK" for i in range(len(FIELDS)))
_MARKS_B = tuple(f"QzvW{i}mKj" for i in range(len(FIELDS)))

BodyKey = tuple[Any, ...]


@dataclass(frozen=True)
class FilledBody:
    """One distinct body filled with markers: `html` holds `marks[i]` where field i goes."""

    html: str
    marks: tuple[str, ...]

    def fill(self, values: tuple[str, ...]) -> str:
        text = self.html
        for mark, value in zip(self.marks, values, strict=True):
            text = text.replace(mark, str(escape(value)))
        return text


def body_key(letter: Letter, terms: tuple[str, str, int | None]) -> BodyKey:
    """What decides a letter's text apart from its person fields."""
    return (letter.template_key, letter.template_version, letter.state,
            tuple(letter.person.information), bool(letter.code), terms,
            letter.addressee == letter.person.name)


def person_values(letter: Letter) -> tuple[str, ...]:
    return (letter.addressee, letter.person.name, letter.code)


class BodyCache:
    """Filled bodies by key; `None` for a body whose template must be filled per letter.

    `render(letter, marks)` fills the letter's template with `marks` standing in for its
    person fields (and the letter's own values when `marks` is None).
    """

    def __init__(self, render: Callable[[Letter, tuple[str, ...] | None], str]) -> None:
        self.render = render
        self.bodies: dict[BodyKey, FilledBody | None] = {}
        self.fast = 0
        self.slow = 0

    def html(self, letter: Letter, terms: tuple[str, str, int | None]
             ) -> tuple[str, FilledBody | None]:
        """The letter's HTML, and the marked body it came from when it was filled fast."""
        values = person_values(letter)
        key = body_key(letter, terms)
        if key not in self.bodies:
            self.bodies[key] = self._learn(letter, values)
        body = self.bodies[key]
        if body is None or any(m in v for v in values for m in (*_MARKS_A, *_MARKS_B)):
            self.slow += 1
            return self.render(letter, None), None
        self.fast += 1
        return body.fill(values), body

    def _learn(self, letter: Letter, values: tuple[str, ...]) -> FilledBody | None:
        same = values[0] == values[1]
        a, b = _marks(_MARKS_A, same), _marks(_MARKS_B, same)
        body_a, body_b = self.render(letter, a), self.render(letter, b)
        swapped = body_a
        for mark_a, mark_b in zip(a, b, strict=True):
            swapped = swapped.replace(mark_a, mark_b)
        if swapped != body_b:
            return None
        body = FilledBody(body_a, a)
        exact = self.render(letter, None)
        return body if body.fill(values) == exact else None


def _marks(marks: tuple[str, ...], same: bool) -> tuple[str, ...]:
    """The markers, the patient's being the recipient's when the two names are the same
    (a template may word a letter differently for someone writing about another person)."""
    return (marks[0], marks[0], *marks[2:]) if same else marks

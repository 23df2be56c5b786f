"""The statement extractor's fast paths give what the plain readings give.

Each shortcut of the statements step (issue 12 point 4) is compared with the plain
reading it replaces, on the project's own labelled passages (tests/data/analysis), on
sentences made from the lexicon's own forms, glued and overlapping in every way, and on
random strings: a test here fails when a shortcut misses something the plain reading finds.
"""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from dashboard.analysis import attribution, layout, names, speakers, statements
from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.offices import OfficeIndex, office_holder
from dashboard.analysis.quotes import mask
from dashboard.analysis.sentence import fold_keeps_length, read_sentence
from dashboard.analysis.speech_lexicon import SpeechLexicon, speech_lexicon
from dashboard.analysis.text import (
    Folded,
    fold,
    folded_sentences,
    split_paragraphs,
    word_pieces,
)
from dashboard.config import load_config

CASES = Path(__file__).resolve().parents[1] / "data" / "analysis"
CONFIG = Path(__file__).resolve().parents[2] / "config.toml"
TEST_ACTORS = Path(__file__).resolve().parents[1] / "data" / "actors.toml"


def _passages() -> list[tuple[str, list[Folded]]]:
    """(title, body sentences) of each labelled passage."""
    out = []
    for path in sorted(CASES.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        out.append((title, [s for p in split_paragraphs(body) for s in folded_sentences(p)]))
    return out


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher(load_config(CONFIG).actors)


@pytest.fixture(scope="module")
def lexicon() -> SpeechLexicon:
    return speech_lexicon()


def _spans(found: object) -> list[tuple[int, int]]:
    return [m.span() for m in found]  # type: ignore[attr-defined]


def _same_cues(lexicon: SpeechLexicon, text: str) -> None:
    assert _spans(lexicon.cues_in(text, word_pieces(text))) == _spans(
        lexicon.regex.finditer(text)), text


def test_cues_filed_by_piece_are_the_cues_the_one_regex_finds_in_the_passages(
    lexicon: SpeechLexicon, matcher: ActorMatcher,
) -> None:
    found = 0
    for title, sentences in _passages():
        for sentence in [Folded.of(title), *sentences]:
            s = read_sentence(sentence, matcher.find_folded(sentence))
            if sentence.offsets is None:  # (the masked fold: what the extractor reads)
                _same_cues(lexicon, s.folded)
                found += len(_spans(lexicon.regex.finditer(s.folded)))
    assert found > 100


def test_cues_filed_by_piece_are_the_cues_of_every_form_glued_and_overlapping(
    lexicon: SpeechLexicon,
) -> None:
    forms = sorted(lexicon.cues)
    for form in forms:  # each form alone, inside a word, and run into others
        for text in (f"officials {form} that it failed.", f"un{form} {form}",
                     f"{form}-based {form}", f"x'{form}’s {form}", f"{form}{form} {form}"):
            _same_cues(lexicon, text)
    rng = random.Random(4)
    joins = [" ", ", ", "-", "", "'", " and ", "  ", "’"]
    for _ in range(20_000):  # forms sharing words, next to and inside each other
        parts = rng.sample(forms, rng.randint(2, 5))
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(joins) + part
        _same_cues(lexicon, text)


def test_names_filed_by_piece_are_the_names_the_one_regex_finds(
    matcher: ActorMatcher,
) -> None:
    names = matcher._names
    texts = []
    for title, sentences in _passages():
        texts += [Folded.of(title), *sentences]
    keys = sorted(names.pieces)
    rng = random.Random(8)
    joins = [" ", ", ", "-", "", "'", "’s ", " and ", ".", " the "]
    forms = [form for key in keys for form in names._filed[key]]
    for form in forms:  # each name alone, inside a word, and run into others
        for text in (f"{form} said", f"un{form} {form}", f"{form}-{form}", f"{form}{form}"):
            texts.append(Folded.of(text))
    for _ in range(20_000):
        parts = rng.sample(forms, rng.randint(1, 4))
        text = parts[0]
        for part in parts[1:]:
            text += rng.choice(joins) + part
        texts.append(Folded.of(text))
    found = 0
    for sentence in texts:
        plain = _spans(names.regex.finditer(sentence.folded))
        assert _spans(names.finditer(sentence.folded, sentence.pieces)) == plain, sentence.text
        found += len(plain)
    assert found > 20_000


def test_a_hostile_run_of_cues_is_read_lazily(lexicon: SpeechLexicon) -> None:
    text = "said " * 60_000
    found = lexicon.cues_in(text, word_pieces(text))
    assert not isinstance(found, list)  # an iterator: the reader stops after a few
    assert next(iter(found)).span() == (0, 4)


def test_a_title_without_a_statement_word_is_no_statement_heading() -> None:
    # the cheap test before the patterns may skip only what neither pattern matches
    nouns = ["Statement", "STATEMENT", "declaration", "Communiqué", "communique",
             "press release", "Press Release", "Remarks", "remark", "statements"]
    words = ["by", "of", "from", "on", "the", "EU", "UK's", "joint", "press", "about",
             "Kosovo:", "after", "in", "High", "Representative", "x", "’s"]
    rng = random.Random(9)
    titles = [title for title, _ in _passages()]
    for _ in range(20_000):
        picked = rng.sample(words, rng.randint(1, 6))
        picked.insert(rng.randint(0, len(picked)), rng.choice(nouns))
        titles.append(" ".join(picked))
    matched = 0
    for title in titles:
        if layout._BY.match(title) or layout._OWNER.match(title):
            matched += 1
            assert not title.isascii() or any(
                noun in title.lower() for noun in layout._STATEMENT_WORDS), title
    assert matched > 1000


def _plain_last_run(
    sentence: str, lo: int, hi: int, mentions: list[Mention]
) -> tuple[int, int] | None:
    """The runs of capitalised words read plainly: every run gathered, the last of 2-4."""
    taken = [(m.start, m.end) for m in mentions]
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    for tok in names._CAPITALISED_TOKEN.finditer(sentence[lo:hi]):
        word = tok.group("token")
        if not word[0].isupper():
            continue
        start, end = tok.start("token") + lo, tok.end() + lo
        ok = fold(word.rstrip(".")) not in names._NOT_NAME and not any(
            a <= start < b for a, b in taken)
        if ok and (not current or sentence[current[-1][1] : start] == " "):
            current.append((start, end))
            continue
        if len(current) >= 2:
            runs.append(current)
        current = [(start, end)] if ok else []
    if len(current) >= 2:
        runs.append(current)
    runs = [r for r in runs if len(r) <= 4]
    return (runs[-1][0][0], runs[-1][-1][1]) if runs else None


# names glued to dots, digits, apostrophes and hyphens, non-ASCII capitals and lower-case
# letters, titles between names, runs longer than four words, names inside mentions
_NAME_EDGES = [
    "U.S.-based analyst John Smith said the talks failed.",
    "'Jane Doe, the envoy, and 1990s-era Prime Minister Ana Brnabic told Reuters.",
    "Đorđe Đurić and Élodie Le Gall said on Monday that Kosovo Serbs would vote.",
    "élan Jean-Luc Picard O’Neill Mc.Donald Smith Jones Brown said nothing.",
    "The New York Times Company Board Of Directors said Albin Kurti met Vučić.",
    "Kosovo Foreign Minister Donika Gervalla-Schwarz said, according to Gabriel Escobar.",
    "A.B. C.D. Ee Ff-Gg Hh’s Ii.. Jj  Kk Ll said.",
]


def test_runs_of_capitalised_words_are_the_plain_reading_of_every_window(
    matcher: ActorMatcher,
) -> None:
    rng = random.Random(12)
    texts = list(_NAME_EDGES)
    for title, sentences in _passages():
        texts += [title, *(s.text for s in sentences)]
    words = ["Jane", "Doe", "the", "President", "Kurti", "Vučić", "élan", "U.S.", "May",
             "1990s", "O’Neill", "Smith-Jones", "said", ",", "EU", "Mr."]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
              for _ in range(2_000)]
    found = 0
    for text in texts:
        mentions = matcher.find(text)
        n = len(text)
        for lo, hi in [(0, n)] + [(rng.randint(0, n), rng.randint(0, n)) for _ in range(20)]:
            expected = _plain_last_run(text, lo, hi, mentions)
            assert names.last_run(text, lo, hi, mentions) == expected, (text, lo, hi)
            found += expected is not None
    assert found > 1_000


def test_an_unknown_name_after_a_person_is_the_one_the_whole_window_finds(
    matcher: ActorMatcher,
) -> None:
    # speakers_before looks for an unknown name after the person only: that must be the
    # last run of the whole window whenever that run stands after the person
    rng = random.Random(3)
    texts = [*_NAME_EDGES, "Anti-Kurti Jane Doe said.", "Kurti-Jones Jane Doe said.",
             "The pro-Vučić Jane Doe Said it.", "Mr.Kurti Jane Doe said."]
    for title, sentences in _passages():
        texts += [title, *(s.text for s in sentences)]
    words = ["Jane", "Doe", "the", "Kurti", "Vučić", "Albin", "Anti-Kurti", "Kurti’s",
             "U.S.", "said", "-", "Osmani-Sadriu", "EU"]
    texts += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 12)))
              for _ in range(3_000)]
    checked = 0
    for text in texts:
        mentions = matcher.find(text)
        for m in mentions:
            for _ in range(3):
                lo, hi = rng.randint(0, m.start), rng.randint(m.end, len(text))
                whole = names.last_run(text, lo, hi, mentions)
                start = speakers.names_from(text, speakers.from_mention(m, matcher), lo)
                found = names.last_run(text, start, hi, mentions)
                if start > lo:  # looked for after the person: what stands after them
                    assert found == (whole if whole and whole[0] > m.end else None), (text, m)
                    checked += found is not None
    assert checked > 300


def test_reordered_and_prechecked_patterns_find_what_the_plain_ones_find() -> None:
    # the pronoun subject with its word first, and the aside found only where its comma
    # or dash is
    plain_pronoun = re.compile(
        r"(?<![\w'’-])(?:they|it)\s+(?:(?:also|did|does|do|not|has|have|had|will|would|"
        r"\w+ly)\s+){0,3}$")
    rng = random.Random(5)
    words = ["they", "it", "it's", "-it", "'they", "also", "did", "not", "firmly", "really",
             "with", "it,", "said", "the", "officials", "—", ",", "which", "who", "a",
             "–", "-", "bit", "they’", "itself"]
    for _ in range(30_000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 10)))
        text += rng.choice(["", " ", "  "])
        lo, hi = sorted((rng.randint(0, len(text)), rng.randint(0, len(text))))
        found = attribution._PRONOUN_SUBJECT.search(text, lo, hi)
        plain = plain_pronoun.search(text, lo, hi)
        assert (found and found.span()) == (plain and plain.span()), (text, lo, hi)
        gap = text[lo:hi]
        if attribution._TRAILING_ASIDE.search(text, lo, hi):
            assert any(mark in gap for mark in ",-–—"), (text, lo, hi)
    chain_words = ["and", "but", ",", ";", "also", "later", "then", "said", "band", "butter",
                   "the", "x", "  ", "andalso"]
    for _ in range(30_000):
        text = " ".join(rng.choice(chain_words) for _ in range(rng.randint(1, 14)))
        at = rng.randint(0, len(text))
        plain = statements._CHAIN_BEFORE.search(text, max(0, at - 40), at) is not None
        assert statements.chained_before(text, at) == plain, (text, at)
    clause_words = ["that", "thats", "that:", "said", "the", "talks", ".", "!", "?", ":",
                    "“quote”", '"', ",", "\n", "\t", "on", "monday", "it.", "x"]
    for _ in range(30_000):
        text = " ".join(rng.choice(clause_words) for _ in range(rng.randint(1, 12)))
        ve = rng.randint(0, len(text))
        plain = attribution._CLAUSE_SOON.match(text, ve) is not None
        assert attribution.clause_soon(text, ve) == plain, (text, ve)


def test_the_office_index_names_the_holder_office_holder_names() -> None:
    days = [None] + [datetime(year, month, 1 + (year % 27), tzinfo=UTC)
                     for year in range(2010, 2028) for month in (1, 4, 5, 6, 10, 12)]
    named = 0
    for actor, index in [(actor, OfficeIndex(config.actors)) for config in (
            load_config(CONFIG), load_config(TEST_ACTORS)) for actor in config.actors]:
        titles = {"Prime Minister", "prime-minister", "Defense Minister", "nobody's office"}
        for person in actor.people:
            titles |= {person.role, *(o.title for o in person.offices)}
        for title in titles:
            for day in days:
                expected = office_holder(actor, title, day)
                assert index.holder(actor.id, title, day) == expected, (actor.id, title, day)
                named += expected is not None
    assert named > 500


_ODD_CHARACTERS = "…đĐßİıøæœﬁ½™é\u0301\u0308“”’„«»ǅⅣ①Å"


def test_fold_length_is_told_without_folding() -> None:
    rng = random.Random(7)
    pool = _ODD_CHARACTERS + "abc XYZ .,"
    for _ in range(5_000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 12)))
        assert fold_keeps_length(text) == (len(fold(text)) == len(text)), repr(text)


@pytest.mark.parametrize("text", [
    "Kurti said… “Đurić left” today.",  # moves outside the quotation: the lowered text
    "“Đurić left… today,” Kurti said.",  # only inside it: masked away, the fold is kept
    "Đurić said “it is over…” on Monday.",
])
def test_a_sentence_whose_fold_moves_characters_is_read_as_before(
    text: str, matcher: ActorMatcher
) -> None:
    folded = Folded.of(text)
    s = read_sentence(folded, matcher.find_folded(folded))
    plain = fold(mask(text, s.spans))
    assert s.folded == (plain if len(plain) == len(text) else mask(text, s.spans).lower())
    assert len(s.folded) == len(text)

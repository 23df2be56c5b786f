"""The fast paths of the analysis give what the straightforward ones give.

Each matcher that files or pre-checks its lexicon for speed is compared with the plain
reading of the same lexicon (every pattern tried in turn), on the project's own labelled
passages (tests/data/analysis) and on sentences made from the lexicon's own rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.analysis import escalation, stances
from dashboard.analysis.cameo import GAP, EventLexicon, EventMatch, _Pattern, load_lexicon
from dashboard.analysis.lemmas import _WORD, LemmaIndex, Tokens, phrase_lemmas, tokens_of
from dashboard.analysis.stances import STANCE_CUES
from dashboard.analysis.text import (
    Folded,
    _fold_char,
    fold_with_offsets,
    folded_sentences,
    split_paragraphs,
    split_sentences,
)
from dashboard.analysis.topics import TopicMatcher, _within, parse_concept
from dashboard.config import load_config

CASES = Path(__file__).resolve().parents[1] / "data" / "analysis"
CONFIG = Path(__file__).resolve().parents[2] / "config.toml"


def _passage_sentences() -> list[Folded]:
    out = []
    for path in sorted(CASES.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        out.append(Folded.of(title))
        for paragraph in split_paragraphs(body):
            out.extend(folded_sentences(paragraph))
    return out


def _lexicon_sentences(lexicon: EventLexicon) -> list[Folded]:
    """A sentence per pattern: its words in order, synsets by their first member, with
    subjects and small words around and between them."""
    out = []
    for patterns in lexicon._by_verb.values():
        for p in patterns:
            words = []
            for word in p.phrase.split():
                if word.startswith("<"):
                    members = lexicon._synsets.get(word[1:-1])
                    word = " ".join(members[0]) if members else word
                words.append(word)
            text = " ".join(words)
            out.append(Folded.of(f"Officials said the army {text} the rebels on Monday."))
            out.append(Folded.of(f"If they {text}, there would be no new talks."))
    return out


def _stands_at(tokens: Tokens, i: int, seq: tuple[str, ...]) -> int | None:
    """The last token of `seq` when each of its words is the lemma or the word there."""
    if i < 0 or i + len(seq) > len(tokens.words):
        return None
    for k, want in enumerate(seq):
        if want not in (tokens.lemmas[i + k], tokens.words[i + k]):
            return None
    return i + len(seq) - 1


def _reference_match(tokens: Tokens, i: int, p: _Pattern) -> int | None:
    """The pattern read plainly: its further verb words right after the verb, then each
    element after (before) the one before it within GAP words, its alternatives tried
    in order."""
    last = i
    if p.rest:
        last = _stands_at(tokens, i + 1, p.rest)
        if last is None:
            return None
    for element in p.post:
        hit = next((h for j in range(last + 1, last + 2 + GAP) for seq in element
                    if (h := _stands_at(tokens, j, seq)) is not None), None)
        if hit is None:
            return None
        last = hit
    start = i
    for element in reversed(p.pre):
        hit = next((j for j in range(start - 1, start - 2 - GAP, -1) for seq in element
                    if _stands_at(tokens, j, seq) is not None), None)
        if hit is None:
            return None
        start = hit
    return last


def _reference_find(lexicon: EventLexicon, tokens: Tokens) -> Iterator[EventMatch]:
    """At each verb, every pattern of that verb in rank order; the first match wins."""
    for i, (lemma, word) in enumerate(zip(tokens.lemmas, tokens.words, strict=True)):
        patterns = lexicon._by_verb.get(lemma) or lexicon._by_verb.get(word)
        for p in patterns or ():
            last = _reference_match(tokens, i, p)
            if last is not None:
                yield EventMatch(p.phrase, p.event, i, last, p.bare)
                break


@pytest.fixture(scope="module")
def lexicon() -> EventLexicon:
    return load_lexicon()


def test_cameo_filing_finds_what_reading_every_pattern_plainly_finds(lexicon: EventLexicon) -> None:
    sentences = _passage_sentences() + _lexicon_sentences(lexicon)
    found = 0
    for sentence in sentences:
        tokens = tokens_of(sentence)
        fast = list(lexicon.find(tokens))
        assert fast == list(_reference_find(lexicon, tokens)), sentence.text
        found += len(fast)
    assert found > len(sentences) // 2  # the sentences do hold events


def test_tokens_from_one_split_have_the_words_and_spans_of_the_word_regex() -> None:
    texts = [s.folded for s in _passage_sentences()] + [
        "", " ", "a", "kosovo's troops’ return", "don't  stop--now", "1,000 (u.s.) 'quoted'",
        "đ ø ß ﬁ", "trailing ", " leading", "a’b's c-d", "x\ny\tz",
    ]
    for text in texts:
        tokens = Tokens(text)
        spans = [m.span() for m in _WORD.finditer(text)]
        assert tokens.words == _WORD.findall(text), text
        assert list(zip(tokens.starts, tokens.ends, strict=True)) == spans, text
        assert all(text[a:b] == w for a, b, w in zip(tokens.starts, tokens.ends, tokens.words,
                                                      strict=True))


def _reference_lemma_find(
    entries: list[tuple[str, tuple[str, ...]]], tokens: Tokens
) -> list[tuple[str, int, int]]:
    """Every sequence at every token, compared word by word; longest first at a place."""
    seqs = [(seq, key) for key, phrases in entries for p in phrases if (seq := phrase_lemmas(p))]
    firsts = {seq[0] for seq, _ in seqs}
    out = []
    for i in range(len(tokens.words)):
        # the sequences starting with the token's lemma, or (if there are none) its word
        first = tokens.lemmas[i] if tokens.lemmas[i] in firsts else tokens.words[i]
        here = [(seq, key) for seq, key in seqs
                if seq[0] == first and _stands_at(tokens, i, seq) is not None]
        here.sort(key=lambda x: -len(x[0]))
        out.extend((key, i, i + len(seq) - 1) for seq, key in here)
    return out


def test_lemma_index_finds_what_comparing_every_sequence_finds() -> None:
    lexicons = [[(f"{stance}:{p}", (p,)) for stance, phrases in STANCE_CUES.items()
                 for p in phrases]]
    for topic in load_config(CONFIG).topics:
        for concept in (*topic.concepts, *topic.counter_concepts):
            lexicons.append([(str(g), tuple(alts))
                             for g, alts in enumerate(parse_concept(concept))])
    sentences = _passage_sentences()
    found = 0
    for entries in lexicons:
        index = LemmaIndex(entries)
        for sentence in sentences:
            tokens = tokens_of(sentence)
            fast = [tuple(m) for m in index.find(tokens)]
            assert fast == _reference_lemma_find(entries, tokens), sentence.text
            found += len(fast)
    assert found > 100


def _articles() -> list[list[Folded]]:
    """The sentences of each labelled passage, title first."""
    out = []
    for path in sorted(CASES.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        sentences = [Folded.of(title)]
        for paragraph in split_paragraphs(body):
            sentences.extend(folded_sentences(paragraph))
        out.append(sentences)
    return out


def test_concepts_tried_are_those_with_a_word_of_every_group() -> None:
    topics = TopicMatcher(load_config(CONFIG).topics)
    tried = 0
    for sentence in _passage_sentences():
        present = tokens_of(sentence).present
        plain = [i for i, concept in enumerate(topics._concepts)
                 if all(not firsts.isdisjoint(present) for firsts in concept.firsts)]
        assert topics._possible(sentence) == plain, sentence.text
        tried += len(plain)
    assert tried > 20


def test_topics_spread_over_an_article_are_those_a_plain_reading_finds() -> None:
    topics = TopicMatcher(load_config(CONFIG).topics)
    spread = 0
    for sentences in _articles():
        plain = set()
        for i, concept in enumerate(topics._concepts):
            groups = {m.key for s in sentences for m in topics._indexes[i].find(tokens_of(s))}
            if (concept.polarity > 0 and concept.topic in topics._headed
                    and len(groups) == concept.groups):
                plain.add(concept.topic)
        assert topics.spread(sentences) == plain, sentences[0].text
        spread += len(plain)
    assert spread > 0


def _within_plainly(groups, window, ok):
    """topics._within with every group's nearest word found by `min`, even the only one."""
    best = None
    for g, anchors in enumerate(groups):
        for first, last in anchors:
            lo, hi = first, last
            for h, occurrences in enumerate(groups):
                if h != g:
                    a, b = min(occurrences, key=lambda o: abs(o[0] - first))
                    lo, hi = min(lo, a), max(hi, b)
            if hi - lo < window and (best is None or hi - lo < best[1] - best[0]) and ok(lo, hi):
                best = (lo, hi)
    return best


def test_a_concept_group_with_one_word_anchors_as_the_nearest_of_one() -> None:
    """topics._within takes a group's only word without asking `min` for the nearest."""
    rng = random.Random(3)
    cases = 0
    for _ in range(3000):
        groups = []
        for _ in range(rng.randint(2, 4)):
            firsts = sorted(rng.sample(range(40), rng.choice((1, 1, 1, 2, 3))))
            groups.append([(f, f + rng.choice((0, 0, 1))) for f in firsts])
        window = rng.randint(2, 12)
        refuse = rng.randrange(40)
        ok = (lambda lo, hi, r=refuse: not lo <= r <= hi) if rng.random() < 0.3 else (
            lambda lo, hi: True)
        found = _within(groups, window, ok)
        assert found == _within_plainly(groups, window, ok), (groups, window)
        cases += found is not None
    assert cases > 500


def test_a_clause_break_between_two_words_is_a_semicolon_or_colon() -> None:
    """escalation.unreal and stances._negated search a gap between words for a clause
    break only when the sentence holds ";" or ":" (Tokens.colons): nothing else of the
    break patterns can stand where no letter does."""
    sentences = _passage_sentences() + [
        Folded.of(s) for s in ("They came; but we left.", "He said: “no” — however, then",
                               "a , but b", "x ; y", "w: z", "q -- while r", "t’s ’but’ u")]
    gaps = 0
    for sentence in sentences:
        folded, tokens = sentence.folded, Tokens(sentence.folded)
        assert tokens.colons == (";" in folded or ":" in folded)
        for i in range(len(tokens.words) - 1):
            gap = folded[tokens.ends[i]:tokens.starts[i + 1]]
            for pattern in (escalation._CLAUSE_END, stances._CLAUSE_BREAK):
                found = pattern.search(folded, tokens.ends[i], tokens.starts[i + 1])
                assert (found is not None) == (";" in gap or ":" in gap), (gap, folded)
            gaps += 1
    assert gaps > 1000


def _fold_plainly(s: str) -> tuple[str, list[int] | None]:
    """Fold every character alone: the reading `fold_with_offsets` must agree with."""
    folds = [_fold_char(c) for c in s]
    folded = "".join(folds)
    if all(len(f) == 1 for f in folds):
        return folded, None
    return folded, [i for i, f in enumerate(folds) for _ in f] + [len(s)]


# ASCII, in-place accents, length changes ("…", "đ", "ß", "ﬁ", a lone combining mark),
# a chain (Ω -> ω), curly quotes and the sentence ends the splitter reads
_ALPHABET = "ab Z.?!\"'’“”" + "éčÇ…đßﬁ\u0301Ωω" + "  ."


def test_folding_with_offsets_is_folding_every_character_alone() -> None:
    rng = random.Random(7)
    texts = ["Vučić… said „no”.", "Đurić", "ﬁnal", "e\u0301", "plain ascii", ""]
    texts += ["".join(rng.choice(_ALPHABET) for _ in range(rng.randint(1, 60)))
              for _ in range(3000)]
    for text in texts:
        assert fold_with_offsets(text) == _fold_plainly(text), text


def test_a_paragraph_folded_once_gives_each_sentence_its_own_fold() -> None:
    rng = random.Random(11)
    words = ["Vučić", "said…", "Đurić", "ﬁne.", "It", "was", "late.", "“No!”", "Mr.", "U.S."]
    for _ in range(500):
        paragraph = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        got = [(f.text, f.folded, f.offsets) for f in folded_sentences(paragraph)]
        want = [(s, *_fold_plainly(s)) for s in split_sentences(paragraph)]
        assert got == want, paragraph

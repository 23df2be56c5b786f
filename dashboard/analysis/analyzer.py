"""The analysis of one item or article: statements, stances, recognition events, cues.

`Analyzer` compiles the config's actors, topics, recognition subject and cues once;
`analyse()` is then a pure function of the text. `analyse_items()` is what the parse
pool's worker processes run, so analysis never blocks the event loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from dashboard.analysis.actors import ActorMatcher, Mention
from dashboard.analysis.escalation import CueFinder
from dashboard.analysis.holders import holders
from dashboard.analysis.ledger import bundled_cues, country_index, load_ledger
from dashboard.analysis.recognition import RecognitionDetector
from dashboard.analysis.stances import Reading, StanceFinder
from dashboard.analysis.statements import statements_in
from dashboard.analysis.text import (
    Folded,
    folded_sentences,
    split_paragraphs,
    split_sentences,
)
from dashboard.config import Config, config_digest
from dashboard.models import Analysis, Item, StanceEvidence, Statement


class Analyzer:
    """Everything the analysis needs from the config, compiled once."""

    def __init__(self, config: Config):
        self.config = config
        self.matcher = ActorMatcher(config.actors)
        self.topics = config.topics
        self.cues = config.escalation.cues or bundled_cues()
        recognition = config.recognition
        self.subject_names: tuple[str, ...] = (
            (recognition.subject, *recognition.aliases) if recognition.subject else ()
        )
        self.countries = (
            country_index(load_ledger(recognition.ledger)) if recognition.ledger else {}
        )
        self.stance_finder = StanceFinder(self.topics)
        self.cue_finder = CueFinder(self.cues, config.escalation.events)
        self.detector = (
            RecognitionDetector(self.subject_names, self.countries) if self.subject_names
            else None
        )

    def analyse(
        self, title: str, body: str, *, credibility: float = 1.0, when: datetime | None = None
    ) -> Analysis:
        """Analyse one article; ids, source and time are left for the caller to fill.

        `when` is the item's date: a speaker named by office is its holder then (default now).
        """
        article = _Article(title, body, self.matcher)
        statements = statements_in(
            article.title_sentences, article.paragraphs, self.matcher, article.mentions, when
        )
        sentences = article.sentences()
        stances = self._stances(article, statements, sentences, credibility)
        cues = [hit for s in sentences for hit in self.cue_finder.find(s, credibility)]
        events = []
        if self.detector is not None:
            for sentence in sentences:
                events.extend(self.detector.detect_folded(sentence))
        return Analysis(tuple(statements), tuple(stances), tuple(events), tuple(cues))

    def _stances(
        self, article: _Article, statements: list[Statement], sentences: list[Folded],
        credibility: float,
    ) -> list[StanceEvidence]:
        """Each stance read in the article, credited to the actor that holds it (see
        holders.py), first seen first; each keeps its sentence as evidence."""
        said: dict[str, list[Statement]] = {}
        for st in statements:
            said.setdefault(st.sentence, []).append(st)
        texts = [s.text for s in sentences]
        known = set(texts)
        texts.extend(t for t in said if t not in known)  # a statement's wider sentence
        stances = []
        seen: set[tuple[str, str, str]] = set()
        previous: str | None = None  # the actor of the last statement so far
        # the topics named so far ("the bridge" refers to them), and those whose concept's
        # words the article spreads over sentences
        named: set[str] = self.stance_finder.topics.spread(sentences)
        for text in dict.fromkeys(texts):
            sentence = article.folded(text)
            readings = self.stance_finder.read(sentence, named)
            here = said.get(text, ())
            if readings:
                mentions = article.mentions(sentence)
                for found in readings:
                    self._credit(found, sentence, mentions, here, previous, credibility,
                                 seen, stances)
            for st in here:
                previous = st.actor or previous
        return stances

    @staticmethod
    def _credit(
        found: Reading, sentence: Folded, mentions: list[Mention], here: Sequence[Statement],
        previous: str | None, credibility: float, seen: set[tuple[str, str, str]],
        stances: list[StanceEvidence],
    ) -> None:
        """Add the evidence of one reading for each actor credited with it (holders.py)."""
        actors, reading = holders(sentence, found, mentions, here, previous)
        for actor in actors:
            key = (actor, reading.topic, sentence.text)
            if key not in seen:
                seen.add(key)
                stances.append(StanceEvidence(actor, reading.topic, reading.stance,
                                              sentence.text, credibility=credibility))


class _Article:
    """An article split into folded sentences, with each sentence's actor mentions found
    once and shared by the statement extractor and the stance holders."""

    def __init__(self, title: str, body: str, matcher: ActorMatcher):
        self._title = title.strip()
        self._matcher = matcher
        self.title_sentences = [Folded.of(s) for s in split_sentences(" ".join(title.split()))]
        self.paragraphs = [folded_sentences(p) for p in split_paragraphs(body)]
        self._by_text: dict[str, Folded] = {}
        self._mentions: dict[str, list[Mention]] = {}

    def sentences(self) -> list[Folded]:
        """The whole title (as the feed gave it), then the body's sentences."""
        out = []
        if self._title:
            same = [s for s in self.title_sentences if s.text == self._title]
            out.append(same[0] if same else Folded.of(self._title))
        for paragraph in self.paragraphs:
            out.extend(paragraph)
        for sentence in self.title_sentences + out:
            self._by_text.setdefault(sentence.text, sentence)
        return out

    def folded(self, text: str) -> Folded:
        """The folded sentence with this text (folding it when it is new)."""
        known = self._by_text.get(text)
        return known if known is not None else Folded.of(text)

    def mentions(self, sentence: Folded) -> list[Mention]:
        """The actor mentions of a sentence, found once per distinct text."""
        found = self._mentions.get(sentence.text)
        if found is None:
            found = self._mentions[sentence.text] = self._matcher.find_folded(sentence)
        return found


def stamp(analysis: Analysis, item: Item) -> Analysis:
    """Fill an analysis' item id, source and time from the item it came from."""
    fill = {"item_id": item.id, "source_id": item.source_id, "time": item.when}
    return Analysis(
        statements=tuple(replace(s, link=item.link, stated=item.stated, **fill)
                         for s in analysis.statements),
        stances=tuple(replace(s, **fill) for s in analysis.stances),
        recognition_events=tuple(replace(e, **fill) for e in analysis.recognition_events),
        cues=tuple(replace(c, **fill) for c in analysis.cues),
    )


_CACHE: dict[str, Analyzer] = {}


def analyzer_for(config: Config, fingerprint: str | None = None) -> Analyzer:
    """A compiled Analyzer for this config, cached per process."""
    key = fingerprint or config_digest(config)
    if key not in _CACHE:
        _CACHE.clear()  # one config at a time per process
        _CACHE[key] = Analyzer(config)
    return _CACHE[key]


def analyse_items(
    config: Config, fingerprint: str, items: Sequence[Item], credibility: float
) -> dict[str, Analysis]:
    """Analyse items (in a worker process); returns item id -> stamped analysis."""
    analyzer = analyzer_for(config, fingerprint)
    return {
        item.id: stamp(
            analyzer.analyse(item.title, item.summary, credibility=credibility, when=item.when),
            item,
        )
        for item in items
    }

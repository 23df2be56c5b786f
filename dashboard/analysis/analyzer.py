"""The analysis of one item or article: statements, stances, recognition events, cues.

`Analyzer` compiles the config's actors, topics, recognition subject and cues once;
`analyse()` is then a pure function of the text. `analyse_items()` is what the parse
pool's worker processes run, so analysis never blocks the event loop.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace

from dashboard.analysis.actors import ActorMatcher
from dashboard.analysis.escalation import find_cues
from dashboard.analysis.ledger import bundled_cues, country_index, load_ledger
from dashboard.analysis.recognition import detect_recognition
from dashboard.analysis.stances import find_stances, subject_actors
from dashboard.analysis.statements import extract_statements
from dashboard.analysis.text import split_paragraphs, split_sentences
from dashboard.config import Config
from dashboard.models import Analysis, Item


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

    def analyse(self, title: str, body: str, *, credibility: float = 1.0) -> Analysis:
        """Analyse one article; ids, source and time are left for the caller to fill."""
        statements = extract_statements(title, body, self.matcher)
        sentences = _sentences(title, body)
        # who holds a stance: the speaker's actor, else the actors a sentence is about
        # ("Serbia notes that ...", "Ukraine and Russia did not recognize ...")
        holders = [(st.sentence, st.actor) for st in statements if st.actor]
        for sentence in sentences:
            mentions = self.matcher.find(sentence)
            holders.extend((sentence, actor) for actor in subject_actors(sentence, mentions))
        stances = []
        seen: set[tuple[str, str, str]] = set()
        for sentence, actor in holders:
            for ev in find_stances(sentence, actor, self.topics):
                key = (ev.actor, ev.topic, ev.evidence)
                if key not in seen:
                    seen.add(key)
                    stances.append(replace(ev, credibility=credibility))
        events = []
        cues = []
        for sentence in sentences:
            if self.subject_names:
                events.extend(detect_recognition(sentence, self.subject_names, self.countries))
            cues.extend(replace(c, credibility=credibility) for c in find_cues(sentence, self.cues))
        return Analysis(tuple(statements), tuple(stances), tuple(events), tuple(cues))


def _sentences(title: str, body: str) -> list[str]:
    out = [title.strip()] if title.strip() else []
    for paragraph in split_paragraphs(body):
        out.extend(split_sentences(paragraph))
    return out


def stamp(analysis: Analysis, item: Item) -> Analysis:
    """Fill an analysis' item id, source and time from the item it came from."""
    fill = {"item_id": item.id, "source_id": item.source_id, "time": item.when}
    return Analysis(
        statements=tuple(replace(s, link=item.link, **fill) for s in analysis.statements),
        stances=tuple(replace(s, **fill) for s in analysis.stances),
        recognition_events=tuple(replace(e, **fill) for e in analysis.recognition_events),
        cues=tuple(replace(c, **fill) for c in analysis.cues),
    )


def config_fingerprint(config: Config) -> str:
    """A short digest of what the analysis depends on, to cache compiled analyzers."""
    relevant = config.model_dump_json(include={"actors", "topics", "recognition", "escalation"})
    return hashlib.blake2b(relevant.encode(), digest_size=12).hexdigest()


_CACHE: dict[str, Analyzer] = {}


def analyzer_for(config: Config, fingerprint: str | None = None) -> Analyzer:
    """A compiled Analyzer for this config, cached per process."""
    key = fingerprint or config_fingerprint(config)
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
        item.id: stamp(analyzer.analyse(item.title, item.summary, credibility=credibility), item)
        for item in items
    }

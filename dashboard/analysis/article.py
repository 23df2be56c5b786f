"""What an article page adds to what the feed's own text already showed.

An item is analysed twice when its page is read: its feed text (title and summary) and
the page's main text. The page usually repeats the summary, so its findings are kept
only where the feed's analysis has nothing from the same sentence; each kept statement
says it came from the page (`origin="page"`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dashboard.analysis.analyzer import analyzer_for, stamp
from dashboard.config import Config
from dashboard.models import Analysis, Item


def page_paragraphs(text: str) -> str:
    """A page's main text with each of its lines a paragraph of its own.

    trafilatura gives one block of the page (a paragraph, a heading, a dateline) per line,
    never a hard-wrapped one; read as plain text, a line without a full stop would run
    into the next ("Demo Wire, 27 Nov 2026 Serbia has sent ..."), giving a statement
    whose words begin with the dateline."""
    return "\n\n".join(line for line in text.splitlines() if line.strip())


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def page_extras(feed: Analysis, page: Analysis) -> Analysis:
    """The part of `page`'s analysis that `feed`'s does not already hold, marked as page."""
    said = {(_key(s.speaker), _key(s.text)) for s in feed.statements}
    said |= {("", _key(s.sentence)) for s in feed.statements}
    statements = tuple(
        replace(s, origin="page") for s in page.statements
        if (_key(s.speaker), _key(s.text)) not in said and ("", _key(s.sentence)) not in said
    )
    stances = {(s.actor, s.topic, _key(s.evidence)) for s in feed.stances}
    cues = {(c.cue, _key(c.evidence)) for c in feed.cues}
    events = {(e.key, _key(e.evidence)) for e in feed.recognition_events}
    return Analysis(
        statements=statements,
        stances=tuple(s for s in page.stances
                      if (s.actor, s.topic, _key(s.evidence)) not in stances),
        recognition_events=tuple(e for e in page.recognition_events
                                 if (e.key, _key(e.evidence)) not in events),
        cues=tuple(c for c in page.cues if (c.cue, _key(c.evidence)) not in cues),
    )


def combined(feed: Analysis, extras: Analysis) -> Analysis:
    """The feed's analysis followed by the page's extras."""
    return Analysis(
        statements=feed.statements + extras.statements,
        stances=feed.stances + extras.stances,
        recognition_events=feed.recognition_events + extras.recognition_events,
        cues=feed.cues + extras.cues,
    )


def with_pages(config: Config, fingerprint: str, items: Sequence[Item],
               analyses: dict[str, Analysis], credibility: float) -> dict[str, Analysis]:
    """The feed analyses of `items` with what each item's read page adds (`reanalyze`)."""
    analyzer = analyzer_for(config, fingerprint)
    out = dict(analyses)
    for item in items:
        page = item.page
        if page is None or page.state != "ok" or not page.text or item.id not in out:
            continue
        found = stamp(analyzer.analyse("", page_paragraphs(page.text), credibility=credibility,
                                       when=item.when), item)
        out[item.id] = combined(out[item.id], page_extras(out[item.id], found))
    return out

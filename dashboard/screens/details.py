"""What the details screen shows for each kind of row: fields formatted from a snapshot.

The widgets stay free of the report and decision wording (they import only models); the
dashboard screen builds a `DetailsScreen` from these.
"""

from __future__ import annotations

from datetime import datetime

from dashboard.config import Config
from dashboard.decisions import change_sentence, country_label
from dashboard.models import Position, RecognitionEvent, Snapshot, SourceView, Statement
from dashboard.report import source_details_fields
from widgets.details_screen import DetailsScreen


def source_name(config: Config, source_id: str) -> str:
    """`Name (id)` of a configured source, the bare id of one no longer configured."""
    name = next((s.name for s in config.sources if s.id == source_id), None)
    return f"{name} ({source_id})" if name and name != source_id else source_id


def statement_details(config: Config, snap: Snapshot | None, s: Statement) -> DetailsScreen:
    """The details screen of one statement."""
    actor = snap.actors.get(s.actor or "", s.actor) if snap else s.actor
    return DetailsScreen(
        f"{s.speaker} ({actor or 'unknown actor'})",
        [("statement", s.text), ("kind", s.kind), ("sentence", s.sentence),
         ("found in", "the article page" if s.origin == "page" else "the feed's text"),
         ("source", source_name(config, s.source_id)), ("link", s.link or "none"),
         ("time", statement_time(s))],
        link=s.link,
    )


def statement_time(s: Statement) -> str:
    """A statement's time, with the feed's own later date when it was clamped (provenance)."""
    if s.time is None:
        return "unknown"
    if s.stated is None:
        return s.time.isoformat()
    return (f"{s.time.isoformat()} (first seen; the feed dated it {s.stated.isoformat()}, "
            "after that)")


def position_details(config: Config, snap: Snapshot | None, actor_id: str, topic_id: str,
                     pos: Position | None) -> DetailsScreen:
    """The details screen of one actor's stance on one topic, with its evidence."""
    actor = snap.actors.get(actor_id, actor_id) if snap else actor_id
    topic = snap.topics.get(topic_id, topic_id) if snap else topic_id
    fields: list[tuple[str, object]] = [("actor", actor), ("topic", topic)]
    if pos is None:
        fields.append(("stance", "no evidence"))
    else:
        fields += [("stance", pos.stance), ("confidence", f"{pos.confidence:.0%}"),
                   ("changed", "yes" if pos.changed else "no")]
        for ev in pos.evidence[:10]:
            when = ev.time.isoformat() if ev.time else "undated"
            fields.append((f"{ev.stance} · {source_name(config, ev.source_id)} · {when}",
                           ev.evidence))
    return DetailsScreen(f"{actor} on {topic}", fields)


def source_details(v: SourceView, now: datetime) -> DetailsScreen:
    """The details screen of one source's health."""
    return DetailsScreen(f"Source: {v.name or v.id}", source_details_fields(v, now),
                         link=v.url)


def pending_details(config: Config, snap: Snapshot | None,
                    e: RecognitionEvent) -> DetailsScreen:
    """The details screen of one pending recognition change."""
    rec = snap.recognition if snap else None
    names, subject = (rec.countries if rec else {}), (rec.subject if rec else "")
    when = e.time.isoformat() if e.time else "undated"
    return DetailsScreen(
        f"Pending: {change_sentence(e.country, e.change, names, subject)}",
        [("country", country_label(e.country, names)), ("change", e.change),
         ("status", e.status), ("source", source_name(config, e.source_id)),
         ("time", when), ("evidence", e.evidence)])

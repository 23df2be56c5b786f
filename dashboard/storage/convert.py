"""The one border between TinyDB documents (plain JSON dicts) and `dashboard.models` values.

Datetimes are stored as ISO-8601 strings in UTC, so string order is time order and the
retention and paging code can compare them without parsing.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from dashboard.models import (
    CueHit,
    Decision,
    HistoryPoint,
    Item,
    Page,
    RecognitionEvent,
    SourceHealth,
    StanceEvidence,
    Statement,
)

Doc = dict[str, Any]


def time_to_str(value: datetime | None) -> str | None:
    """A datetime as an ISO-8601 UTC string (naive values are taken as UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


@functools.lru_cache(maxsize=1 << 16)
def str_to_time(value: str | None) -> datetime | None:
    """An ISO-8601 string back to an aware UTC datetime.

    Cached: an item's derived rows all carry its time, and a shared datetime is one
    object in memory instead of one per row.
    """
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def item_to_doc(item: Item) -> Doc:
    """An Item as a document; `when` is kept too so retention needs no parsing."""
    return {
        "id": item.id,
        "source_id": item.source_id,
        "title": item.title,
        "summary": item.summary,
        "link": item.link,
        "published": time_to_str(item.published),
        "fetched": time_to_str(item.fetched),
        "author": item.author,
        "when": time_to_str(item.when),
        **({"page": page_to_doc(item.page)} if item.page is not None else {}),
    }


def page_to_doc(page: Page) -> Doc:
    """An item's article page as a sub-document (empty values left out)."""
    doc: Doc = {"state": page.state}
    for key in ("url", "title", "date", "text", "reason", "error"):
        value = getattr(page, key)
        if value:
            doc[key] = value
    return doc


def doc_to_page(doc: Doc | None) -> Page | None:
    """A stored page sub-document back to a Page; stores written before pages have none."""
    if not isinstance(doc, dict):
        return None
    return Page(
        state=doc.get("state", "pending"),
        url=doc.get("url"),
        title=doc.get("title", ""),
        date=doc.get("date"),
        text=doc.get("text", ""),
        reason=doc.get("reason"),
        error=doc.get("error"),
    )


def doc_to_item(doc: Doc) -> Item:
    """A stored item document back to an Item."""
    fetched = str_to_time(doc["fetched"])
    assert fetched is not None  # every stored item has a fetch time
    return Item(
        id=doc["id"],
        source_id=doc["source_id"],
        title=doc["title"],
        summary=doc["summary"],
        link=doc.get("link"),
        published=str_to_time(doc.get("published")),
        fetched=fetched,
        author=doc.get("author"),
        page=doc_to_page(doc.get("page")),
    )


def statement_to_doc(statement: Statement) -> Doc:
    """A Statement as a document."""
    return {
        "speaker": statement.speaker,
        "actor": statement.actor,
        "kind": statement.kind,
        "text": statement.text,
        "sentence": statement.sentence,
        "item_id": statement.item_id,
        "source_id": statement.source_id,
        "time": time_to_str(statement.time),
        "link": statement.link,
        # only page statements say so: stores written before pages read as "feed"
        **({"from": statement.origin} if statement.origin != "feed" else {}),
    }


def doc_to_statement(doc: Doc) -> Statement:
    """A stored statement document back to a Statement."""
    return Statement(
        speaker=doc["speaker"],
        actor=doc.get("actor"),
        kind=doc["kind"],
        text=doc["text"],
        sentence=doc["sentence"],
        item_id=doc.get("item_id", ""),
        source_id=doc.get("source_id", ""),
        time=str_to_time(doc.get("time")),
        link=doc.get("link"),
        origin=doc.get("from", "feed"),
    )


def stance_to_doc(stance: StanceEvidence) -> Doc:
    """A StanceEvidence as a document."""
    return {
        "actor": stance.actor,
        "topic": stance.topic,
        "stance": stance.stance,
        "evidence": stance.evidence,
        "item_id": stance.item_id,
        "source_id": stance.source_id,
        "time": time_to_str(stance.time),
        "credibility": stance.credibility,
    }


def doc_to_stance(doc: Doc) -> StanceEvidence:
    """A stored stance document back to StanceEvidence."""
    return StanceEvidence(
        actor=doc["actor"],
        topic=doc["topic"],
        stance=doc["stance"],
        evidence=doc["evidence"],
        item_id=doc.get("item_id", ""),
        source_id=doc.get("source_id", ""),
        time=str_to_time(doc.get("time")),
        credibility=doc.get("credibility", 1.0),
    )


def recognition_to_doc(event: RecognitionEvent) -> Doc:
    """A RecognitionEvent as a document; `key` is kept for status updates by key."""
    return {
        "country": event.country,
        "change": event.change,
        "evidence": event.evidence,
        "item_id": event.item_id,
        "source_id": event.source_id,
        "time": time_to_str(event.time),
        "status": event.status,
        "key": event.key,
    }


def doc_to_recognition(doc: Doc) -> RecognitionEvent:
    """A stored recognition document back to a RecognitionEvent."""
    return RecognitionEvent(
        country=doc["country"],
        change=doc["change"],
        evidence=doc["evidence"],
        item_id=doc.get("item_id", ""),
        source_id=doc.get("source_id", ""),
        time=str_to_time(doc.get("time")),
        status=doc.get("status", "pending"),
    )


def decision_to_doc(decision: Decision) -> Doc:
    """A Decision as an audit document."""
    return {
        "time": time_to_str(decision.time),
        "key": decision.key,
        "status": decision.status,
        "previous": decision.previous,
        "undo": decision.undo,
    }


def doc_to_decision(doc: Doc) -> Decision:
    """A stored audit document back to a Decision."""
    return Decision(
        time=str_to_time(doc["time"]),  # type: ignore[arg-type]
        key=doc["key"],
        status=doc["status"],
        previous=doc.get("previous", "pending"),
        undo=doc.get("undo", False),
    )


def cue_to_doc(hit: CueHit) -> Doc:
    """A CueHit as a document."""
    return {
        "cue": hit.cue,
        "weight": hit.weight,
        "evidence": hit.evidence,
        "item_id": hit.item_id,
        "source_id": hit.source_id,
        "time": time_to_str(hit.time),
        "credibility": hit.credibility,
        "code": hit.code,
        "label": hit.label,
    }


def doc_to_cue(doc: Doc) -> CueHit:
    """A stored cue document back to a CueHit."""
    return CueHit(
        cue=doc["cue"],
        weight=doc["weight"],
        evidence=doc["evidence"],
        item_id=doc.get("item_id", ""),
        source_id=doc.get("source_id", ""),
        time=str_to_time(doc.get("time")),
        credibility=doc.get("credibility", 1.0),
        code=doc.get("code", ""),
        label=doc.get("label", ""),
    )


def history_to_doc(point: HistoryPoint) -> Doc:
    """A HistoryPoint as a document."""
    return {"time": time_to_str(point.time), "score": point.score}


def doc_to_history(doc: Doc) -> HistoryPoint:
    """A stored history document back to a HistoryPoint."""
    time = str_to_time(doc["time"])
    assert time is not None
    return HistoryPoint(time=time, score=doc["score"])


def health_to_doc(health: SourceHealth) -> Doc:
    """A SourceHealth as a document."""
    return {
        "source_id": health.source_id,
        "state": health.state,
        "last_attempt": time_to_str(health.last_attempt),
        "last_success": time_to_str(health.last_success),
        "last_error": health.last_error,
        "next_run": time_to_str(health.next_run),
        "items": health.items,
        "failures": health.failures,
        "etag": health.etag,
        "last_modified": health.last_modified,
    }


def doc_to_health(doc: Doc) -> SourceHealth:
    """A stored health document back to SourceHealth."""
    return SourceHealth(
        source_id=doc["source_id"],
        state=doc.get("state", "never"),
        last_attempt=str_to_time(doc.get("last_attempt")),
        last_success=str_to_time(doc.get("last_success")),
        last_error=doc.get("last_error"),
        next_run=str_to_time(doc.get("next_run")),
        items=doc.get("items", 0),
        failures=doc.get("failures", 0),
        etag=doc.get("etag"),
        last_modified=doc.get("last_modified"),
    )

"""Hour digests: what a snapshot needs of an hour segment, in a small file beside it.

    <path>.items/YYYY-MM-DDTHH.<round>.digest.json    beside YYYY-MM-DDTHH.<round>.json
    <path>.items/YYYY-MM-DDTHH.<round>.stances.json

A snapshot reads every stance and recognition event of the store and every cue hit of
the escalation horizon (a month), but of the items and statements only the newest rows.
The writer keeps, for each hour segment it writes, a digest of that hour (the ids of its
items, its recognition events as stored, and of each cue hit only its weight ×
credibility, grouped by time: what the score adds up; the drivers are read from the
segment) and, in a file of their own, its stance evidence as stored. A viewer
(`lean.LeanReader`) paints first from the main file, the digests and the newest segments;
the stances follow for the positions; the other segments are read when asked for (paging,
filters, details): a fifth of the bytes, and nothing of the items' text is held.

Both are named after their segment, so the main file's list of segments names them too
and the commit stays one atomic step; the main file's meta says `digests` when every named
segment has one (a store last written by an older version has none: a reader then
derives each hour's digest from the segment itself, with the same function).
"""

from __future__ import annotations

from typing import Any

import orjson

DIGEST_VERSION = 1
"""Bumped when the digest's content changes; a digest of another version is ignored (the
reader derives the hour's digest from its segment instead)."""

Digest = dict[str, Any]
"""{"version", "ids": [item id], "statements": how many, "recognition": {key: doc},
"cues": {time: [weight × credibility]}} of one hour (an undated cue hit's time is "")."""


def digest_name(segment: str) -> str:
    """The file name of the digest of segment file `segment` ("<hour>.<round>.json")."""
    return segment.removesuffix(".json") + ".digest.json"


def stances_name(segment: str) -> str:
    """The file name of the stance evidence of segment file `segment`."""
    return segment.removesuffix(".json") + ".stances.json"


def beside(segment: str) -> tuple[str, str]:
    """The files written beside segment file `segment`: its digest and its stances."""
    return digest_name(segment), stances_name(segment)


def digest_of(held: dict[str, dict[str, dict[str, Any]]]) -> Digest:
    """The digest of one hour's tables (`held`: table -> key -> document)."""
    weights: dict[str, list[float]] = {}
    for doc in held.get("cues", {}).values():
        # as the full store's cue_weights: weight × credibility, by time ("" when none)
        weights.setdefault(doc.get("time") or "", []).append(
            doc["weight"] * doc.get("credibility", 1.0))
    return {
        "version": DIGEST_VERSION,
        "ids": [doc["id"] for doc in held.get("items", {}).values()],
        "statements": len(held.get("statements", {})),
        "recognition": held.get("recognition", {}),
        "cues": weights,
    }


def digest_documents(tables: dict[str, dict[str, dict[str, Any]]],
                     index: dict[str, set[str]]) -> tuple[bytes, bytes]:
    """The bytes of the digest and of the stances of the hour whose documents `index`
    names (writer)."""
    held = {table: {key: tables[table][key] for key in keys} for table, keys in index.items()}
    return orjson.dumps(digest_of(held)), orjson.dumps(held.get("stances", {}))


def usable(data: Any) -> bool:
    """Whether parsed JSON is a digest of this version."""
    return (isinstance(data, dict) and data.get("version") == DIGEST_VERSION
            and isinstance(data.get("ids"), list) and isinstance(data.get("cues"), dict)
            and isinstance(data.get("recognition"), dict))

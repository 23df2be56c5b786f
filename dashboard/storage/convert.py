"""The one border between TinyDB documents (plain JSON dicts) and `dashboard.models` values.

One conversion for every stored model, driven by its dataclass fields and their type hints:
a document holds the fields in their declared order under their own names (the computed
keys, then the fields left out while empty, come last), datetimes as
ISO-8601 strings in UTC (so string order is time order and the retention and paging code
can compare them without parsing), a nested dataclass as a sub-document. What differs
between models is said once, in `SHAPES`: a field stored under another key, fields left
out while empty, properties kept beside the fields for queries. The stored JSON is the
format documented in docs/ARCHITECTURE.md (Storage format); tests/data/store_v2, written
by the hand-written conversions this replaced, pins it byte for byte.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

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
M = TypeVar("M")


@functools.lru_cache(maxsize=1 << 16)
def time_to_str(value: datetime | None) -> str | None:
    """A datetime as an ISO-8601 UTC string (naive values are taken as UTC).

    Cached: a round's derived rows all carry their item's time (a first round converts
    ≈ 17 times per item). Equal aware datetimes are the same instant, so they share one
    UTC string whatever their zone; a naive value never equals an aware one.
    """
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


@dataclass(frozen=True)
class Shape:
    """How one model's documents differ from the plain rule (all fields, declared order)."""

    keys: dict[str, str] = field(default_factory=dict)  # field -> its key in the document
    # fields left out of the document while empty or at their default: keys added after
    # the first stores were written, so older documents (without them) read the same
    sparse: frozenset[str] = frozenset()
    # properties stored after the fields, for queries on raw documents (never read back)
    computed: tuple[str, ...] = ()
    # values for required fields that documents of an earlier version may lack
    fallback: dict[str, Any] = field(default_factory=dict)


SHAPES: dict[type, Shape] = {
    Item: Shape(sparse=frozenset({"page", "stated"}), computed=("when",)),  # `when`: order
    Page: Shape(sparse=frozenset({"url", "title", "date", "text", "reason", "error"})),
    Statement: Shape(keys={"origin": "from"}, sparse=frozenset({"origin", "stated"})),
    StanceEvidence: Shape(),
    RecognitionEvent: Shape(computed=("key",)),  # `key`: the analyst's decisions by key
    CueHit: Shape(),
    Decision: Shape(fallback={"previous": "pending"}),
    HistoryPoint: Shape(),
    SourceHealth: Shape(),
}
"""Every model the store keeps, with how its documents differ from the plain rule."""

_MISSING = dataclasses.MISSING

# One field as the conversion needs it, worked out once per model: (name, key, encode,
# decode, default); encode/decode None: stored as it is; default _MISSING: required.
_Field = tuple[str, str, Callable[[Any], Any] | None, Callable[[Any], Any] | None, Any]


def _codec(hint: Any) -> tuple[Callable[[Any], Any] | None, Callable[[Any], Any] | None, bool]:
    """(encode, decode, may be None) for a field's type hint."""
    args = typing.get_args(hint) if isinstance(hint, types.UnionType) or (
        typing.get_origin(hint) is typing.Union) else (hint,)
    optional = type(None) in args
    if datetime in args:
        return time_to_str, str_to_time, optional
    nested = [a for a in args if dataclasses.is_dataclass(a)]
    if nested:
        model = nested[0]
        return to_doc, lambda doc: from_doc(model, doc) if isinstance(doc, dict) else None, True
    return None, None, optional


@functools.cache
def _fields(model: type) -> tuple[tuple[_Field, ...], tuple[str, ...], tuple[_Field, ...],
                                  tuple[_Field, ...]]:
    """A model's (stored fields, computed keys, fields left out while empty, all fields in
    their declared order)."""
    shape = SHAPES[model]
    hints = typing.get_type_hints(model)
    always, sparse, declared = [], [], []
    for f in dataclasses.fields(model):
        encode, decode, optional = _codec(hints[f.name])
        default = f.default if f.default is not _MISSING else shape.fallback.get(
            f.name, None if optional else _MISSING)
        spec = (f.name, shape.keys.get(f.name, f.name), encode, decode, default)
        (sparse if f.name in shape.sparse else always).append(spec)
        declared.append(spec)
    return tuple(always), shape.computed, tuple(sparse), tuple(declared)


def _writer(model: type) -> Callable[[Any], Doc]:
    """The function that writes documents of `model` (see `to_doc`), made once per model."""
    always, computed, sparse, _ = _fields(model)
    keys = tuple(f[1] for f in always)
    # hot (a first round writes ≈ 17 rows per item): the fields are read in C, by one
    # attrgetter, and only those with an encoder (times, nested models) are visited
    get = operator.attrgetter(*(f[0] for f in always)) if always else (lambda value: ())
    if len(always) == 1:
        get = (lambda one: lambda value: (one(value),))(get)
    encoders = tuple((f[1], f[2]) for f in always if f[2] is not None)

    def write(value: Any) -> Doc:
        doc = dict(zip(keys, get(value), strict=True))
        for key, encode in encoders:
            item = doc[key]
            if item is not None:
                doc[key] = encode(item)
        for name in computed:
            item = getattr(value, name)
            doc[name] = time_to_str(item) if isinstance(item, datetime) else item
        for name, key, encode, _, default in sparse:
            item = getattr(value, name)
            if item and item != default:
                doc[key] = item if encode is None else encode(item)
        return doc

    return write


_WRITERS: dict[type, Callable[[Any], Doc]] = {}


def to_doc(value: Any) -> Doc:
    """A stored model value as its document."""
    write = _WRITERS.get(type(value))
    if write is None:
        write = _WRITERS[type(value)] = _writer(type(value))
    return write(value)


def _reader(model: type) -> Callable[[Doc], Any]:
    """The function that reads documents of `model` (see `from_doc`), made once per model."""
    fields = _fields(model)[3]
    keys = tuple(f[1] for f in fields)
    defaults = tuple(f[4] for f in fields)
    required = frozenset(f[1] for f in fields if f[4] is _MISSING)
    decoders = tuple((i, f[3]) for i, f in enumerate(fields) if f[3] is not None)

    def read(doc: Doc) -> Any:
        if not required <= doc.keys():
            raise KeyError(min(required - doc.keys()))
        # hot (a snapshot reads every cue hit and stance of the store): the lookups run in
        # C, map over dict.get, rather than in a Python loop per field
        values = list(map(doc.get, keys, defaults))
        for i, decode in decoders:  # a default (always None here) decodes to itself
            values[i] = decode(values[i])
        return model(*values)

    return read


_READERS: dict[type, Callable[[Doc], Any]] = {}


def from_doc(model: type[M], doc: Doc) -> M:
    """A stored document back to a `model` value; keys it does not know are ignored.

    A missing key reads as the field's default (None for a field that may be None);
    a required field's missing key is a KeyError.
    """
    read = _READERS.get(model)
    if read is None:
        read = _READERS[model] = _reader(model)
    return read(doc)

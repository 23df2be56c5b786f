"""One expat pass over a feed document: root element, declared encoding, well-formed or cut,
and whether it declares entities built from other entities.

The parse module routes on it (well-formed UTF-8 RSS goes to the fast parser) and refuses
a cut document, which the lenient parsers would otherwise read as a shorter feed, and a
document of nested entity declarations ("billion laughs"), which feedparser's expat reader
expands until expat's amplification limit stops it: about 870,000 text callbacks and over
a second of CPU for a 1 KB document, more than a parse deadline on a loaded machine.
"""

from __future__ import annotations

import pyexpat
import re

_REFERENCE = re.compile(r"&[^\W\d][\w.-]*;")  # a general entity reference (&name;)


class XmlScan:
    """One expat pass: the root element, the declared encoding, well-formedness, a cut.

    A document is cut (`truncated_at` = its last line) when every byte of it is
    well-formed XML, a root element was opened, and the input ends before it closes:
    a transfer or a writer stopped mid-way. A document broken elsewhere (a bare `&`)
    is not cut; feedparser's loose parser recovers what it can from it.
    """

    def __init__(self, body: bytes):
        self.root: str | None = None
        self.encoding: str | None = None
        self.well_formed = False
        self.truncated_at: int | None = None
        self.items = 0  # <item> and <entry> elements (any prefix): how many the feed lists
        # an internal entity whose value refers to other entities: expansion can multiply
        self.nested_entities = False
        checker = pyexpat.ParserCreate("utf-8")
        checker.XmlDeclHandler = self._declared
        checker.EntityDeclHandler = self._entity
        checker.StartElementHandler = self._element
        try:
            checker.Parse(body, False)
        except pyexpat.ExpatError:
            return
        try:
            checker.Parse(b"", True)
        except pyexpat.ExpatError:
            if self.root is not None:
                self.truncated_at = checker.CurrentLineNumber
            return
        self.well_formed = True

    def _declared(self, version: str, encoding: str | None, standalone: int) -> None:
        self.encoding = encoding

    def _entity(self, name: str, is_parameter: int, value: str | None, *_: object) -> None:
        if value is not None and _REFERENCE.search(value):
            self.nested_entities = True

    def _element(self, name: str, attrs: object) -> None:
        if self.root is None:
            self.root = name
        elif name.rpartition(":")[2] in ("item", "entry"):
            self.items += 1

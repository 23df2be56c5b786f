"""The demo: bundled sample feeds served from a loopback server that fills over minutes.

`DemoServer` serves every sample source in `data/demo/items.json` on 127.0.0.1 (RSS 2.0,
Atom, JSON Feed 1.1 and a GDELT DOC 2.0 article list), releasing items over about three
minutes; `demo_config()` turns a theatre config into the demo's.

By concern: `sources` (the sample data), `feeds` (its documents), `release` (the clock:
what is out now), `server` (the HTTP server `flashpoint demo` reads from).
"""

from dashboard.demo.feeds import render_article
from dashboard.demo.release import DemoRelease, Document, demo_config
from dashboard.demo.server import DemoServer
from dashboard.demo.sources import (
    DEFAULT_EVERY,
    ITEMS_FILE,
    SAMPLE_NOTICE,
    DemoItem,
    DemoSource,
    load_demo_sources,
)

__all__ = ["DEFAULT_EVERY", "ITEMS_FILE", "SAMPLE_NOTICE", "DemoItem", "DemoRelease",
           "DemoServer", "DemoSource", "Document", "demo_config", "load_demo_sources",
           "render_article"]

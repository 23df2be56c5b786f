"""Feed text can neither style the screen nor reach the terminal as escape sequences."""

from __future__ import annotations

import dataclasses

from rich.text import Text

from dashboard.models import RecognitionEvent
from tests.app.conftest import HOSTILE, FakeBuilder, FakeStore, make_recognition, make_statements
from tests.app.test_keys import make_app, settle
from widgets.plain_text import clean, plain


def test_clean_removes_controls_escapes_and_bidi_overrides():
    for raw in HOSTILE:
        out = clean(raw)
        assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in out)
        assert "\u202e" not in out
    assert clean("[bold red]x[/]") == "[bold red]x[/]"  # brackets kept: shown, not parsed
    assert isinstance(plain("[b]x[/b]"), Text) and plain("[b]x[/b]").plain == "[b]x[/b]"


def screen_lines(app) -> list[tuple[str, list[str]]]:
    """(plain line, segment texts) for every line the compositor would send."""
    rows = []
    for strip in app.screen._compositor.render_strips():
        segments = [seg.text for seg in strip]
        rows.append(("".join(segments), segments))
    return rows


async def test_hostile_statements_are_shown_literally_without_escapes():
    statements = make_statements(10, texts=HOSTILE)
    statements = [dataclasses.replace(s, speaker="\x1b]0;pwned\x07Mallory") for s in statements]
    store = FakeStore(statements)
    pending = RecognitionEvent("\x1b[31mFRA", "recognized", "[link=file:///etc/passwd]y[/link]")
    builder = FakeBuilder(store, recognition=make_recognition(pending=(pending,)))
    app = make_app(store, builder=builder)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        lines = screen_lines(app)
        text = "\n".join(line for line, _ in lines)
        assert "[bold red]x[/]" in text
        assert "[link=file:///etc/passwd]y[/link]" in text
        assert "0;pwnedMallory" in text or "0;pwned Mallory" in text
        for _, segments in lines:
            for seg in segments:
                assert "\x1b" not in seg and "\x07" not in seg and "\u202e" not in seg
        # the details screen (full sentence) is just as inert
        await pilot.press("enter")
        await pilot.pause()
        details = "\n".join(line for line, _ in screen_lines(app))
        assert "[bold red]x[/]" in details
        assert "\x1b" not in details
        svg = app.export_screenshot()
        assert "\x1b" not in svg and "pwned" in svg

"""Sources that fail in every usual way, for the soak (served beside the farm's feeds)."""

from __future__ import annotations

import random

from support.loopback import LoopbackServer, Reply


def faulty_routes(server: LoopbackServer, rng: random.Random) -> list[str]:
    """Sources that fail: always, sometimes, or slowly; returns their URLs."""
    good = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>f</title>'
            b"<item><title>Kosovo talks</title><guid>flaky-1</guid></item></channel></rss>")

    def flaky(_request) -> Reply:
        roll = rng.random()
        if roll < 0.3:
            return Reply(status=500, body=b"oops")
        if roll < 0.4:
            return Reply(status=429, headers={"Retry-After": "60"})
        if roll < 0.5:
            return Reply(body=b"<html><body>login</body></html>",
                         headers={"Content-Type": "text/html"})
        if roll < 0.52:
            return Reply(hang=True)  # costs a deadline now and then
        return Reply(body=good)

    routes = {
        "/500": Reply(status=500, body=b"down"),
        "/404": Reply(status=404),
        "/empty": Reply(body=b""),
        "/garbage": Reply(body=bytes(range(256)) * 8),
        "/badgzip": Reply(body=b"\x1f\x8b\x08\x00garbage" * 10,
                          headers={"Content-Encoding": "gzip"}),
        "/flaky": flaky,
    }
    # no always-refused or always-hanging source: each costs a whole deadline every round
    # (the retries inside it), which would time the deadline, not the collector; the
    # hostile-round test covers them, and "flaky" hangs now and then
    return [server.route(path, reply) for path, reply in routes.items()]

"""Per-host politeness and the robots cache forget idle hosts (GDELT reaches thousands)."""

from __future__ import annotations

import asyncio

from dashboard.config import Fetch
from dashboard.fetching import politeness, robots
from dashboard.fetching.politeness import HostGate, host_of


def test_host_of_keeps_scheme_host_and_port():
    assert host_of("https://News.example:8443/a?b") == "https://news.example:8443"
    assert host_of("http://a.example/x") != host_of("https://a.example/x")


async def test_the_gate_forgets_idle_hosts_past_its_cap(monkeypatch):
    monkeypatch.setattr(politeness, "MAX_HOSTS", 3)
    gate = HostGate(concurrency=2, delay=0.0)
    for n in range(10):
        async with gate.slot(f"http://h{n}.example/page"):
            pass
    assert len(gate._slots) <= 3


async def test_the_gate_keeps_a_host_that_is_in_use(monkeypatch):
    monkeypatch.setattr(politeness, "MAX_HOSTS", 1)
    gate = HostGate(concurrency=2, delay=0.0)
    async with gate.slot("http://busy.example/1"):
        for n in range(3):
            async with gate.slot(f"http://h{n}.example/page"):
                pass
        assert "http://busy.example" in gate._slots


async def test_the_robots_cache_keeps_at_most_its_cap(monkeypatch):
    monkeypatch.setattr(robots, "MAX_HOSTS", 4)
    cache = robots.RobotsCache(client=None, fetch=Fetch())  # type: ignore[arg-type]

    async def allow_all(host, old):
        return robots._Rules(None, None, asyncio.get_running_loop().time() + 3600)

    monkeypatch.setattr(cache, "_read", allow_all)
    for n in range(10):
        assert await cache.refusal(f"http://h{n}.example/page") is None
    assert len(cache._rules) <= 4

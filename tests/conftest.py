"""Fixtures shared by every test folder (keep this small; folder conftests hold the rest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.loopback import LoopbackServer


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started HTTP server on 127.0.0.1 with no routes yet; stopped after the test."""
    with LoopbackServer() as server:
        yield server

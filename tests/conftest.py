"""Fixtures shared by every test folder (keep this small; folder conftests hold the rest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.loopback import LoopbackServer

REPO = Path(__file__).resolve().parents[1]
# The team's shared folder beside the repository (eval passages, samples, corpora, reference
# data); never copied into the repo. `.ci/run` refuses to run without it, so the tests that
# need it skip (with their reason in the `-rs` summary) only on a bare checkout.
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """`../shared/<parts>` beside the repo; skips the calling test, saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is missing: ../shared is not beside the repo")
    return path


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started HTTP server on 127.0.0.1 with no routes yet; stopped after the test."""
    with LoopbackServer() as server:
        yield server

"""Pausing the garbage collector around a store load, and freezing what it loaded."""

from __future__ import annotations

import gc

from dashboard.memory import gc_paused_then_frozen


def test_the_collector_is_paused_in_the_block_and_what_it_made_is_frozen():
    assert gc.isenabled()
    frozen_before = gc.get_freeze_count()
    try:
        with gc_paused_then_frozen():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]  # long-lived containers, as a load makes
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen_before + len(made)
    finally:
        gc.unfreeze()  # leave the test process as it was


def test_a_collector_disabled_before_stays_disabled():
    gc.disable()
    try:
        with gc_paused_then_frozen():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()

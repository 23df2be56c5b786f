"""Pausing the garbage collector around a store load, and freezing what it loaded."""

from __future__ import annotations

import gc
import weakref

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


class Node:
    """A container that refers to itself: garbage only the cyclic collector frees."""

    def __init__(self) -> None:
        self.me = self


def cyclic_garbage() -> weakref.ref:
    return weakref.ref(Node())


def test_a_load_never_freezes_garbage_for_good():
    # a viewer reloads the store every round while its screen code leaves cycles behind;
    # frozen with the load, they were never freed (the viewer grew ~0.5 MB a round)
    try:
        before = cyclic_garbage()  # garbage when the load starts
        with gc_paused_then_frozen():
            during = cyclic_garbage()  # garbage made meanwhile (the UI thread runs on)
        gc.collect()
        assert before() is None, "garbage from before the load was frozen"
        with gc_paused_then_frozen():
            pass
        gc.collect()
        assert during() is None, "garbage frozen by one load is freed by the next"
    finally:
        gc.unfreeze()

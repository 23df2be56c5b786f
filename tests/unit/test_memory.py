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


class Holder:
    """Keeps a cyclic node alive until told to let go."""

    def __init__(self) -> None:
        self.node = Node()


def test_an_idle_collection_frees_garbage_and_freezes_what_survives():
    from dashboard.memory import IdleCollections

    collections = IdleCollections()
    try:
        garbage = cyclic_garbage()
        kept = Holder()
        collections.collect()
        assert garbage() is None, "garbage made before the idle moment is freed"
        assert gc.get_freeze_count() > 0
        # survivors are frozen: a full collection no longer traverses them
        assert id(kept) not in {id(o) for o in gc.get_objects()}
    finally:
        collections.stop()
    assert gc.get_freeze_count() == 0
    assert id(kept) in {id(o) for o in gc.get_objects()}


def test_frozen_cycles_that_die_later_are_freed_at_the_next_thaw():
    from dashboard.memory import IdleCollections

    collections = IdleCollections(thaw_every=2)
    try:
        holder = Holder()
        collections.collect()  # the holder and its node are frozen
        node = weakref.ref(holder.node)
        del holder  # the node is now a frozen cycle: garbage no collection reaches
        gc.collect()
        assert not collections.thaw_due
        collections.collect()
        assert node() is not None and collections.thaws == 0
        assert collections.thaw_due  # the screen thaws at its next quiet moment
        collections.thaw()
        assert collections.thaws == 1 and not collections.thaw_due
        assert node() is None, "the thaw freed the frozen cycle"
    finally:
        collections.stop()


def test_an_overdue_thaw_happens_at_the_next_collection():
    from dashboard.memory import IdleCollections

    collections = IdleCollections(thaw_every=2, overdue=2)
    try:
        holder = Holder()
        collections.collect()
        node = weakref.ref(holder.node)
        del holder
        for _ in range(2):
            collections.collect()
        assert node() is not None and collections.thaws == 0
        collections.collect()  # the fourth: never quiet enough, so it thaws now
        assert collections.thaws == 1 and node() is None
    finally:
        collections.stop()


def test_while_running_cpython_collects_only_the_young_generations():
    from dashboard.memory import IdleCollections

    before = gc.get_threshold()
    collections = IdleCollections()
    collections.start()
    try:
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2] and full >= 1_000_000
        kept = Holder()
        collections.collect()  # young collections: what survives them is frozen
        assert id(kept) not in {id(o) for o in gc.get_objects()}
    finally:
        collections.stop()
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_an_idle_collection_leaves_a_paused_collector_to_the_load_that_paused_it():
    from dashboard.memory import IdleCollections

    collections = IdleCollections()
    gc.disable()
    try:
        garbage = cyclic_garbage()
        collections.collect()
        assert garbage() is not None and collections.collections == 0
        assert gc.get_freeze_count() == 0
    finally:
        gc.enable()
        collections.stop()
        gc.collect()

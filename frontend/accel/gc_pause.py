"""Pausing CPython's cyclic collector while graphs are recorded (see the comment below);
`pause_gc` / `resume_gc` bracket every recording scope and backward pass."""
from __future__ import annotations

import gc
import threading

# The recorded graph is made of Python objects (a node, its values and arrays per op);
# CPython's cyclic collector would rescan all of them again and again while a long
# graph is recorded, making recording superlinear (W5: 100,000 ops took 1.8x longer per
# op than 1,000). While any `record()` scope is open, automatic collection is paused;
# after every GC_EVERY recorded nodes or GC_EVERY_BYTES of recorded results a young-
# generation collection runs instead, so cyclic garbage made inside a long scope (a graph
# recorded and dropped without backward) is still reclaimed with bounded memory, and each
# object is scanned a bounded number of times. What a backward frees stops counting (see
# `_count_freed`). Set to False to leave the collector alone.
PAUSE_GC_WHILE_RECORDING = True
GC_EVERY = 1 << 16
GC_EVERY_BYTES = 64 << 20
_gc_lock = threading.Lock()
_gc_state = {"depth": 0, "paused": False, "recorded": 0, "bytes": 0}


def _count_recorded(nbytes: int) -> None:
    """While collection is paused: collect every GC_EVERY recorded operators (young
    generations) or GC_EVERY_BYTES of recorded results (all generations: each young
    collection promotes the live graph to the oldest generation, and once dropped its
    cycles are only reclaimed there; a young-only collection leaked ~2 MiB per trigger)."""
    state = _gc_state
    state["recorded"] += 1
    state["bytes"] += nbytes
    if state["recorded"] >= GC_EVERY or state["bytes"] >= GC_EVERY_BYTES:
        full = state["bytes"] >= GC_EVERY_BYTES
        state["recorded"] = state["bytes"] = 0
        gc.collect(2 if full else 1)


def _count_freed(nodes: int, nbytes: int) -> None:
    """A backward freed `nodes` recorded operators holding `nbytes` of results (by
    reference counting): they are no garbage for a collection to look for, so they stop
    counting toward the next one. (W2 recorded 64 MiB every ~50 steps, all freed by its
    backward, and paid a futile full collection of ~14 ms for it.)"""
    state = _gc_state
    state["recorded"] = max(0, state["recorded"] - nodes)
    state["bytes"] = max(0, state["bytes"] - nbytes)


def pause_gc() -> None:
    """Called when a recording scope opens (see PAUSE_GC_WHILE_RECORDING)."""
    with _gc_lock:
        _gc_state["depth"] += 1
        if _gc_state["depth"] == 1 and PAUSE_GC_WHILE_RECORDING and gc.isenabled():
            gc.disable()
            _gc_state["paused"] = True


def resume_gc() -> None:
    """Called when a recording scope closes: re-enables the collector if we paused it."""
    with _gc_lock:
        _gc_state["depth"] = max(0, _gc_state["depth"] - 1)
        if _gc_state["depth"] == 0 and _gc_state["paused"]:
            _gc_state["paused"] = False
            gc.enable()

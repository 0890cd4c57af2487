"""The cyclic collector while graphs are recorded: `pause_gc` / `resume_gc` bracket every
recording scope and backward pass.

The recorded graph is made of Python objects (a node, its values and arrays per op), and
CPython's collector would rescan all of them again and again while a long graph is
recorded, making recording superlinear (W5: 100,000 ops took 1.8x longer per op than
1,000). The collector is never disabled: while any `record()` scope is open (or a large
backward runs), its thresholds are raised to `RECORDING_THRESHOLDS`, so young
collections come in larger batches and full collections (which rescan the whole live
graph) wait; the previous thresholds come back when the last scope closes, even if its
body raised. Thresholds are per process, as CPython has one collector, so other threads
see the same larger batches meanwhile: their garbage is still collected.

Cyclic garbage made inside a long scope (a graph recorded and dropped without backward)
is only reclaimed by full collections, so one runs after every GC_EVERY_BYTES of
recorded results: memory stays bounded. What a backward frees (by reference counting)
stops counting (see `_count_freed`). Set PAUSE_GC_WHILE_RECORDING to False to leave the
collector alone.
"""
from __future__ import annotations

import gc
import threading
from typing import Any, Dict

PAUSE_GC_WHILE_RECORDING = True
# (young, middle, old) thresholds while recording: a young collection every ~30,000 new
# objects (~7,000 recorded operators), full collections only from the explicit ones below
# or after 1,000 middle ones.
RECORDING_THRESHOLDS = (30000, 10, 100)
GC_EVERY_BYTES = 64 << 20
_gc_lock = threading.Lock()
_gc_state: Dict[str, Any] = {"depth": 0, "paused": False, "recorded": 0, "bytes": 0,
                             "saved": None}


def _count_recorded(nbytes: int) -> None:
    """While recording: a full collection every GC_EVERY_BYTES of recorded results (each
    young collection promotes the live graph to the oldest generation, and once dropped its
    cycles are only reclaimed there; without this a dropped graph's memory grew by ~2 MiB
    per young collection)."""
    state = _gc_state
    state["recorded"] += 1
    state["bytes"] += nbytes
    if state["bytes"] >= GC_EVERY_BYTES:
        state["recorded"] = state["bytes"] = 0
        gc.collect(2)


def _count_freed(nodes: int, nbytes: int) -> None:
    """A backward freed `nodes` recorded operators holding `nbytes` of results (by
    reference counting): they are no garbage for a collection to look for, so they stop
    counting toward the next one. (W2 recorded 64 MiB every ~50 steps, all freed by its
    backward, and paid a futile full collection of ~14 ms for it.)"""
    state = _gc_state
    state["recorded"] = max(0, state["recorded"] - nodes)
    state["bytes"] = max(0, state["bytes"] - nbytes)


def pause_gc() -> None:
    """Called when a recording scope opens (see the module docstring)."""
    with _gc_lock:
        _gc_state["depth"] += 1
        if _gc_state["depth"] == 1 and PAUSE_GC_WHILE_RECORDING:
            _gc_state["saved"] = gc.get_threshold()
            gc.set_threshold(*RECORDING_THRESHOLDS)
            _gc_state["paused"] = True


def resume_gc() -> None:
    """Called when a recording scope closes: the thresholds of before come back."""
    with _gc_lock:
        _gc_state["depth"] = max(0, _gc_state["depth"] - 1)
        if _gc_state["depth"] == 0 and _gc_state["paused"]:
            _gc_state["paused"] = False
            gc.set_threshold(*_gc_state["saved"])

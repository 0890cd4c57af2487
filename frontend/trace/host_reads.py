"""Host reads of traced values. An operator that computes positions or constants from an
input's values on the host (ROIAlign's regions, BilinearSampler's grid cells, box_nms's
order, ...) calls `note(*arrays)`. A tracer (hybridize) compares `count()` before and after
tracing a forward: a trace that read traced values is not a fixed graph (its constants
depend on the inputs), so it must not be replayed for other inputs."""
from __future__ import annotations

import threading
from typing import Any


class _State(threading.local):
    def __init__(self) -> None:
        self.count = 0


STATE = _State()


def note(*arrays: Any) -> None:
    """Record that the host read the values of `arrays` (counted when one is traced)."""
    if any(getattr(a, "_value", None) is not None for a in arrays):
        STATE.count += 1


def count() -> int:
    """How many host reads of traced values this thread has made so far."""
    return STATE.count

"""Host reads of traced values. An operator that computes positions or constants from an
input's values on the host (boolean_mask's count, np.unique, histogram without a
range, ...)
calls `note(*arrays)`. A tracer (hybridize, tapegraph.transforms) compares
`count()` before and after tracing a function: a trace that read traced values is not a
fixed graph (its constants depend on the inputs), so it must not be replayed for other
inputs (hybridize then runs the forward eagerly; vmap and make_graph refuse it)."""
from __future__ import annotations

import contextlib
import sys
import threading
from typing import Any, Iterator


class _State(threading.local):
    def __init__(self) -> None:
        self.count = 0
        self.tracing = 0  # > 0 while a tracer (hybridize) records a graph to replay
        self.last = ""  # the function that made the last counted read (for messages)


STATE = _State()


def note(*arrays: Any) -> None:
    """Record that the host read the values of `arrays` (counted when one is traced)."""
    if any(getattr(a, "_value", None) is not None for a in arrays):
        STATE.count += 1
        STATE.last = _entry(sys._getframe(1))


_PACKAGE = __name__.split(".")[0] + "."


def _entry(frame: Any) -> str:
    """The function that read, as module.qualname: for a read inside this package, the
    outermost of its functions in the calls leading there (the one the user called, such
    as `tapegraph.ndarray.contrib.cond`, not a helper of it)."""
    def name(f: Any) -> str:
        return "%s.%s" % (f.f_globals.get("__name__", "?"), f.f_code.co_qualname)
    found = name(frame)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_PACKAGE):
        found = name(frame)
        frame = frame.f_back
    return found


@contextlib.contextmanager
def tracing_graph() -> Iterator[None]:
    """While a tracer records a graph it will replay for other inputs (hybridize, the
    tapegraph.transforms traces): an
    operation that would cut the graph with a host copy (`detach`, `array(x)`) records a
    stop-gradient instead, so replays carry each call's values."""
    STATE.tracing += 1
    try:
        yield
    finally:
        STATE.tracing -= 1


def tracing() -> bool:
    """Whether a graph to replay is being traced on this thread (see `tracing_graph`)."""
    return STATE.tracing > 0


def count() -> int:
    """How many host reads of traced values this thread has made so far."""
    return STATE.count


def last_reader() -> str:
    """The function (module.qualname) that made this thread's last counted host read."""
    return STATE.last

"""`tapegraph.engine`: the backward engine's public settings (the engine itself is
`tapegraph.autodiff.engine`).

- `set_default_pipeline(passes)` / `DEFAULT_PIPELINE`: the passes run on every derived
  backward graph; `REPLAY_PIPELINE` (create_graph) and `RUN_PASSES` (run when a plan is
  built) are read-only.
- `add_backward_observer(fn)`: `fn(heads, variables, joint, final, create_graph)` sees
  each backward before it runs, with its joint and optimised graphs (the CLI's `trace`
  uses it); returns a function that removes the observer.
- `compile_for(heads, variables)` / `backward_graphs(heads, variables)`: the compiled
  backward of recorded heads, and its graphs before and after the pipeline.
"""
from __future__ import annotations

from typing import Any

from .autodiff import engine as _engine
from .autodiff.engine import (add_backward_observer, backward_graphs, compile_for,
                              set_default_pipeline)

__all__ = ["add_backward_observer", "backward_graphs", "bulk", "compile_for",
           "set_bulk_size", "set_default_pipeline"]
_SETTINGS = ("DEFAULT_PIPELINE", "REPLAY_PIPELINE", "RUN_PASSES")


_bulk_size = 0


def set_bulk_size(size: int) -> int:
    """Set the bulk size (a hint, see the module docstring); returns the previous one."""
    global _bulk_size
    previous, _bulk_size = _bulk_size, int(size)
    return previous


class _BulkScope:
    """`with bulk(size):` sets the bulk size for its body and restores it after."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._old_size = None

    def __enter__(self) -> "_BulkScope":
        self._old_size = set_bulk_size(self._size)
        return self

    def __exit__(self, *exc: Any) -> None:
        set_bulk_size(self._old_size)


def bulk(size: int) -> _BulkScope:
    """A scope running its operators with bulk size `size` (MXNet's `engine.bulk`)."""
    return _BulkScope(size)


def __getattr__(name: str) -> Any:
    # Read through, so `DEFAULT_PIPELINE` follows `set_default_pipeline`.
    if name in _SETTINGS:
        return getattr(_engine, name)
    raise AttributeError("module 'tapegraph.engine' has no attribute %r" % name)


def __dir__():
    return sorted(list(globals()) + list(_SETTINGS))

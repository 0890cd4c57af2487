"""Source-line provenance: with it on, every recorded node remembers the line of user
code that called the operator (`node.meta["source"] = "script.py:12"`), and printed IR
shows it (`# at script.py:12`).

It is off by default: finding the user's frame costs a few hundred nanoseconds per
recorded operator, which the recording hot path does not pay unless asked. `tapegraph
trace` and `tapegraph explore` turn it on for the scripts they run. JAX keeps the same
fact as `source_info` on every equation.
"""
from __future__ import annotations

import contextlib
import os
import sys
from typing import Iterator, Optional

# ON[0] is read by the node builder on every recorded call: one list index, no lookup.
ON = [False]
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def set_source_lines(on: bool) -> bool:
    """Record (True) or stop recording (False) the user's source line of every traced
    node; returns the previous setting."""
    previous = ON[0]
    ON[0] = bool(on)
    return previous


@contextlib.contextmanager
def source_lines(on: bool = True) -> Iterator[None]:
    """`with source_lines():` records source lines inside the block only."""
    previous = set_source_lines(on)
    try:
        yield
    finally:
        set_source_lines(previous)


def user_line() -> Optional[str]:
    """`file:line` of the innermost frame outside tapegraph (None if there is none)."""
    frame = sys._getframe(1)
    while frame is not None:
        path = frame.f_code.co_filename
        if not path.startswith(_PACKAGE) and not path.startswith("<frozen"):
            return "%s:%d" % (os.path.basename(path), frame.f_lineno)
        frame = frame.f_back
    return None

"""Source-line provenance: with it on, every recorded node remembers the line of user
code that called the operator (`node.meta["source"]`, a `SourceLine` that prints as
"script.py:12"), and printed IR shows it (`# at script.py:12`). JAX keeps the same fact
as `source_info` on every equation.

Recording it is cheap but not free: the builder walks up from its own frame to the first
frame whose code is not tapegraph's (a per-code-object cache answers "is this code
internal?", so each step is one attribute read and one dict lookup), and keeps that
frame's code object and line number, never the frame; "file:line" is formatted only
when printed. docs/performance.md has the measured cost per recorded operator.

Traces made once per signature always keep their lines, as JAX's tracing does:
`hybridize()` and `tapegraph.transforms` (make_graph, jvp, vmap, ...) switch it on while
they trace, where the cost is paid once. The eager tape, recorded again on every step,
keeps them only when asked: `set_source_lines(True)`, `with source_lines():`, or the
environment variable TAPEGRAPH_SOURCE_LINES=1 (read at import). `tapegraph trace` and
`tapegraph explore` turn it on for the scripts they run.
"""
from __future__ import annotations

import contextlib
import os
import sys
from types import CodeType
from typing import Any, Dict, Iterator, Optional, Tuple

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _from_environment() -> bool:
    return os.environ.get("TAPEGRAPH_SOURCE_LINES", "").strip().lower() in (
        "1", "true", "yes", "on")


# ON[0] is read by the node builder on every recorded call: one list index, no lookup.
ON = [_from_environment()]


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


class SourceLine:
    """A line of user code: the code object and line number of the calling frame (no
    frame is kept alive). `str()` gives "file.py:12"; it compares equal to that string."""

    __slots__ = ("code", "line")

    def __init__(self, code: CodeType, line: int):
        self.code = code
        self.line = line

    @property
    def filename(self) -> str:
        return self.code.co_filename

    def __str__(self) -> str:
        return "%s:%d" % (os.path.basename(self.code.co_filename), self.line)

    def __repr__(self) -> str:
        return "SourceLine(%r)" % str(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SourceLine):
            return self.code is other.code and self.line == other.line
        return isinstance(other, str) and str(self) == other

    def __hash__(self) -> int:
        return hash(str(self))


# id(code object) -> (the code, is it tapegraph's own or the interpreter's frozen
# bootstrap code?). Keyed by id: hashing a code object hashes its whole contents; the
# entry keeps the code alive, so its id is not reused while it is cached.
_INTERNAL: Dict[int, Tuple[CodeType, bool]] = {}


def _internal(code: CodeType) -> bool:
    if len(_INTERNAL) >= 4096:  # code made at run time (exec, lambdas): keep it bounded
        _INTERNAL.clear()
    path = code.co_filename
    inside = path.startswith(_PACKAGE) or path.startswith("<frozen")
    _INTERNAL[id(code)] = (code, inside)
    return inside


def _user_frame(frame: Any) -> Any:
    """The first frame from `frame` up whose code is not tapegraph's (None if none)."""
    internal = _INTERNAL
    while frame is not None:
        code = frame.f_code
        entry = internal.get(id(code))
        if not (entry[1] if entry is not None else _internal(code)):
            return frame
        frame = frame.f_back
    return None


def user_line() -> Optional[SourceLine]:
    """The innermost line of code outside tapegraph on the call stack (None if there is
    none)."""
    frame = _user_frame(sys._getframe(1))
    return None if frame is None else SourceLine(frame.f_code, frame.f_lineno)


# (id(code), line) -> the meta dict of every node recorded there: one shared, never
# mutated dict per line (metas are shared between node copies anyway, see
# passes.manager), so a loop recording the same line allocates nothing. Its SourceLine
# keeps the code alive.
_METAS: Dict[Tuple[int, int], Dict[str, Any]] = {}


def user_meta() -> Optional[Dict[str, Any]]:
    """The meta of a node recorded now: {"source": its user line}. Called by the node
    builder, whose frame and its caller's are tapegraph's: the walk starts above them
    (the walk of `_user_frame`, inlined: this runs once per recorded operator)."""
    frame = sys._getframe(3)
    internal = _INTERNAL
    while frame is not None:
        code = frame.f_code
        entry = internal.get(id(code))
        if not (entry[1] if entry is not None else _internal(code)):
            key = (id(code), frame.f_lineno)
            meta = _METAS.get(key)
            if meta is None:
                if len(_METAS) >= 4096:
                    _METAS.clear()
                meta = _METAS[key] = {"source": SourceLine(code, key[1])}
            return meta
        frame = frame.f_back
    return None

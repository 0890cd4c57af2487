"""Operator names given in a hybridized block's forward, kept on the traced nodes.

Gluon layers name their operators (`F.FullyConnected(..., name='fwd')`), and MXNet
prefixes that name with the block's (`dense0_fwd`): an exported network's node and output
names (`dense0_fwd_output`), which users address in `sym.get_internals()[...]`. While a
hybridized block traces its forward, `scope(block.prefix)` is open around each block's
forward; an operator function given `name=` calls `name_next(name)`, and the node the
builder records next carries `meta["name"] = prefix + name`. Outside a trace nothing is
kept (no cost beyond one list index per recorded node).
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional, Union

# PENDING[0] is read by the node builder on every recorded call: one list index.
# (a dict instead of a name: the meta entries of `exported_as`)
PENDING: List[Optional[Union[str, Dict[str, Any]]]] = [None]
_SCOPES: List[str] = []


@contextlib.contextmanager
def scope(prefix: str) -> Iterator[None]:
    """Names given to operators inside get `prefix` (a block's prefix, e.g. 'dense0_')."""
    _SCOPES.append(prefix)
    try:
        yield
    finally:
        _SCOPES.pop()
        PENDING[0] = None


def name_next(name: Optional[str]) -> None:
    """The next recorded node is named `name` (under the open scope; nothing when no
    scope is open or `name` is empty)."""
    if _SCOPES and name:
        PENDING[0] = _SCOPES[-1] + str(name)


@contextlib.contextmanager
def exported_as(name: Optional[str], op: str, attrs: Dict[str, str]) -> Iterator[None]:
    """`with exported_as(name, op, attrs):` around an operator function whose recorded
    node stands for MXNet operator `op` (e.g. Dropout in predict mode records `_copy`):
    inside a trace, the node's meta gets `name` (as `naming`) and `export_as` = (op,
    attrs), which the symbol JSON export writes instead of the node's own operator."""
    if _SCOPES:
        pending: Dict[str, Any] = {"export_as": (op, dict(attrs))}
        if name:
            pending["name"] = _SCOPES[-1] + str(name)
        PENDING[0] = pending
    try:
        yield
    finally:
        PENDING[0] = None


@contextlib.contextmanager
def naming(name: Optional[str]) -> Iterator[None]:
    """`with naming(name):` around an operator function's recording: its (first)
    recorded node gets `name`; a name left unused (nothing recorded) is dropped."""
    name_next(name)
    try:
        yield
    finally:
        PENDING[0] = None


def take() -> Optional[Union[str, Dict[str, Any]]]:
    """The pending name (or `exported_as` meta), cleared (for the node being recorded)."""
    name, PENDING[0] = PENDING[0], None
    return name

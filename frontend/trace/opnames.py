"""Operator names given in a hybridized block's forward, kept on the traced nodes.

Gluon layers name their operators (`F.FullyConnected(..., name='fwd')`), and MXNet
prefixes that name with the block's (`dense0_fwd`): an exported network's node and output
names (`dense0_fwd_output`), which users address in `sym.get_internals()[...]`. While a
hybridized block traces its forward, `scope(block.prefix)` is open around each block's
forward; an operator function given `name=` calls `name_next(name)`, and the node the
builder records next carries `meta["name"] = prefix + name`. An operator called without
a name is named as MXNet's `Prefix` name manager names it (`auto_naming`): the prefix, the
operator function's name in lower case, and a count of that name in this scope (`net_sum0`,
`net__plus0`). Outside a trace nothing is kept (no cost beyond one list index per recorded
node).
"""
from __future__ import annotations

import contextlib
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

# PENDING[0] is read by the node builder on every recorded call: one list index.
# (a dict instead of a name: the meta entries of `exported_as`)
PENDING: List[Optional[Union[str, Dict[str, Any]]]] = [None]
_SCOPES: List[Tuple[str, Dict[str, int]]] = []  # (prefix, count of each unnamed op's hint)


@contextlib.contextmanager
def scope(prefix: str) -> Iterator[None]:
    """Names given to operators inside get `prefix` (a block's prefix, e.g. 'dense0_').
    Each scope counts the operators called without a name afresh, as each entry of an
    MXNet block's name_scope does; a block with an empty prefix opens no scope of its own
    in MXNet, and shares the enclosing one here."""
    _SCOPES.append(_SCOPES[-1] if not prefix and _SCOPES else (prefix, {}))
    try:
        yield
    finally:
        _SCOPES.pop()
        PENDING[0] = None


def name_next(name: Optional[str]) -> None:
    """The next recorded node is named `name` (under the open scope; nothing when no
    scope is open or `name` is empty)."""
    if _SCOPES and name:
        PENDING[0] = _SCOPES[-1][0] + str(name)


@contextlib.contextmanager
def exported_as(name: Optional[str], op: str, attrs: Dict[str, str]) -> Iterator[None]:
    """`with exported_as(name, op, attrs):` around an operator function whose recorded
    node stands for MXNet operator `op` (e.g. Dropout in predict mode records `_copy`):
    inside a trace, the node's meta gets `name` (as `naming`; without one, `op`'s
    automatic name) and `export_as` = (op, attrs), which the symbol JSON export writes
    instead of the node's own operator."""
    if _SCOPES:
        pending: Dict[str, Any] = {"export_as": (op, dict(attrs))}
        pending["name"] = _SCOPES[-1][0] + str(name) if name else _next_name(op.lower())
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


# The name MXNet's name manager gives a Python operator's node (`x + y` is `_Plus`), by
# the IR operator recorded; other operators are named by their own name in lower case.
OPERATOR_HINTS = {
    "elemwise_add": "_plus", "elemwise_sub": "_minus", "elemwise_mul": "_mul",
    "elemwise_div": "_div", "_power": "_power", "_mod": "_mod",
    "_plus_scalar": "_plusscalar", "_minus_scalar": "_minusscalar",
    "_rminus_scalar": "_rminusscalar", "_mul_scalar": "_mulscalar",
    "_div_scalar": "_divscalar", "_rdiv_scalar": "_rdivscalar",
    "_power_scalar": "_powerscalar", "_rpower_scalar": "_rpower_scalar",
    "_mod_scalar": "_modscalar", "_rmod_scalar": "_rmodscalar", "negative": "_mulscalar",
}
# PENDING value: the next node is a helper MXNet has no node for (export may leave it out)
HELPER = {"helper": True}


def _next_name(hint: str) -> str:
    prefix, counts = _SCOPES[-1]
    k = counts.get(hint, 0)
    counts[hint] = k + 1
    return prefix + hint + str(k)


def auto_name(op: str) -> Optional[str]:
    """Inside a trace, the name of a node of `op` recorded without a given name: the open
    scope's prefix, the operator's name as MXNet's name manager spells it (in lower case)
    and its count so far in the scope, as MXNet's `Prefix` names an unnamed operator."""
    if not _SCOPES:
        return None
    hint = OPERATOR_HINTS.get(op)
    if hint is None:  # (np operators `_npi_normal` are called as `np.random.normal`)
        hint = op[5:] if op.startswith("_npi_") else op.lower()
    return _next_name(hint)


@contextlib.contextmanager
def auto_naming(hint: str) -> Iterator[None]:
    """`with auto_naming(hint):` around an operator function called without a name: inside
    a trace, its (first) recorded node is named by `hint` (the function's name, when it
    differs from its operator's: `flip` records `reverse`) as `auto_name` names it."""
    if _SCOPES:
        PENDING[0] = _next_name(hint)
    try:
        yield
    finally:
        PENDING[0] = None


@contextlib.contextmanager
def helper() -> Iterator[None]:
    """`with helper():` around the recording of a node MXNet has no node for (the
    `broadcast_to` and `Cast` a binary operator inserts): it takes no name and no count,
    and its meta says `helper` (the symbol export writes `broadcast_add` for an
    `elemwise_add` reading a helper `broadcast_to`, as MXNet records it)."""
    if _SCOPES:
        PENDING[0] = HELPER
    try:
        yield
    finally:
        PENDING[0] = None


def take() -> Optional[Union[str, Dict[str, Any]]]:
    """The pending name (or `exported_as` meta), cleared (for the node being recorded)."""
    name, PENDING[0] = PENDING[0], None
    return name

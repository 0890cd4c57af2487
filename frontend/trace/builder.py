"""The node builder: every recorded operator call becomes a node here, whichever path
ran it (`invoke`, a deferred call, a recorded gradient region, a replayed backward, an
`autograd.Function`).

`record1` records a single-output call, `record` any call. Each creates the output
`TracedValue`s and the `Node`, appends the node to the thread's tape (which builds the
graph's key, see tapegraph.trace.key) and counts it for the paused cyclic collector
(tapegraph.accel.gc_pause). A node is reachable from the values it defined, so a graph
dies with the arrays that reference it.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from ..accel.gc_pause import _count_recorded, _gc_state
from ..ir import Graph, Node, TensorType
from .key import node_items
from .source import ON as _SOURCE_ON, user_meta
from .opnames import (PENDING as _NAME_PENDING, _SCOPES as _NAME_SCOPES,
                      auto_name as _auto_name, take as _take_name)
from . import tape as _tape
from .tape import STATE, current_tape, tape_node
from .values import _SEQUENCE, TracedValue

_new = object.__new__  # then every slot is set: cheaper than the constructors


def _with_name(meta: Optional[Dict[str, Any]], op: str) -> Optional[Dict[str, Any]]:
    """A new node's meta with its name (see tapegraph.trace.opnames: the given one, or
    inside a block's trace the one MXNet gives an unnamed `op`); `meta` (the source
    line's, shared between nodes) is copied, not changed."""
    pending = _take_name()
    if pending is None:
        pending = _auto_name(op)
        if pending is None:
            return meta
    if isinstance(pending, dict):  # (opnames.exported_as)
        return dict(meta or (), **pending)
    return dict(meta or (), name=pending)


def record1(op: str, in_values: tuple, t: TensorType, r: np.ndarray, attrs: Dict[str, Any],
            items: Optional[tuple] = None, region: Optional[Graph] = None) -> TracedValue:
    """Record one call of `op` on `in_values` whose single result is `r` (of type `t`);
    returns its value. `items`: the attribute part of its key entry when the caller has
    it (`invoke` keeps it with its inference cache, see tapegraph.trace.key), else None."""
    out = _new(TracedValue)
    out.type = t
    out.hint = out.recipe = None
    out.data = r
    out.seq = next(_SEQUENCE)
    node = _new(Node)
    node.op = op
    node.inputs = in_values
    node.outputs = (out,)
    node.attrs = attrs
    node.region = region
    meta = user_meta() if _SOURCE_ON[0] else None
    node.meta = meta if not (_NAME_PENDING[0] or _NAME_SCOPES) else _with_name(meta, op)
    out.node = node
    ref = STATE.tape
    tape = ref() if ref is not None else None
    if tape is None:
        tape = current_tape()
    if not tape.clean:
        out.tape = None
    else:
        if items is None or op == "_CustomFunction":
            items = node_items(node)
        if len(in_values) == 1 and region is None:  # the commonest call: inlined
            v = in_values[0]
            if v.tape is tape:
                p = v.pos
                open_ends = tape.open
                open_ends.discard(p)
                values = tape.values
                q = len(values)
                # = node_entry(node, items, (p,)): no region, the output is computed
                tape.entries.append((op, items, p))
                tape.nodes.append(node)
                values.append(out)
                out.tape = tape
                out.pos = q
                open_ends.add(q)
                if q >= _tape.TAPE_MAX:
                    tape.retire()
            else:
                tape_node(tape, node, in_values, items)
        else:
            tape_node(tape, node, in_values, items)
    if _gc_state["paused"]:
        _count_recorded(r.nbytes)
    return out


def record(op: str, in_values: Sequence[TracedValue], types: Sequence[TensorType],
           results: Sequence[Optional[np.ndarray]], attrs: Dict[str, Any],
           region: Optional[Graph] = None, taped: bool = True) -> Tuple[TracedValue, ...]:
    """Record one call of `op` with any number of results (None for a pending result,
    see tapegraph.accel.lazy); returns their values. `taped=False` keeps the node off the
    tape (a deferred call: its graph is found by a walk)."""
    in_values = tuple(in_values)
    meta = user_meta() if _SOURCE_ON[0] else None
    node = _new(Node)
    node.op = op
    node.inputs = in_values
    node.attrs = attrs
    node.region = region
    node.meta = meta if not (_NAME_PENDING[0] or _NAME_SCOPES) else _with_name(meta, op)
    outs = []
    for t, r in zip(types, results):  # = TracedValue(t, node, r), slot by slot
        out = _new(TracedValue)
        out.type = t
        out.hint = out.recipe = out.tape = None
        out.node = node
        out.data = r
        out.seq = next(_SEQUENCE)
        outs.append(out)
    outs = node.outputs = tuple(outs)
    if taped:
        tape = current_tape()
        if tape.clean:
            tape_node(tape, node, in_values, node_items(node))
    if _gc_state["paused"]:
        first = results[0] if results else None
        _count_recorded(first.nbytes if first is not None else 0)
    return outs

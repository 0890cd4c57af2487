"""Operators on large arrays: element-wise calls recorded without running (deferred, see
tapegraph.accel.lazy) and threaded kernels for large eager calls (see tapegraph.trace.invoke)."""
from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

from ..ir import Node, OpDef, TensorType, Value, Graph
from . import lazy as _lazy
from ..passes import fusible, full_reduction, scalar_reshape
from ..runtime import FusedKernel

_PARALLEL: Dict[tuple, Any] = {}


def parallel_kernel(opdef: OpDef, datas, attrs, types) -> Any:
    """A threaded kernel for one large element-wise call, or None when the operator does
    not qualify (see `passes.fusible`); compiled once per operator, types and attrs."""
    try:
        key = (opdef.name, tuple(TensorType.get(d.shape, d.dtype) for d in datas),
               tuple(attrs.items()))
        hash(key)
    except TypeError:
        return None
    entry = _PARALLEL.get(key)
    if entry is None:
        ins = [Value(t) for t in key[1]]
        outs = [Value(t) for t in types]
        node = Node(opdef.name, ins, outs, attrs)
        entry = False
        if fusible(node):
            region = Graph("region", ins, [node], outs)
            kernel = FusedKernel(Node("fused", ins, outs, {}, region))
            entry = lambda *arrays, **_: kernel(*arrays)  # noqa: E731
        if len(_PARALLEL) > 1024:
            _PARALLEL.clear()
        _PARALLEL[key] = entry
    return entry or None


_FUSIBLE: Dict[tuple, bool] = {}


def deferred_types(opdef: OpDef, in_values: Sequence[Any], attrs) -> Optional[list]:
    """The output types of a call that is recorded without running (see
    tapegraph.accel.lazy): a fusible element-wise call on large arrays, or a full reduction
    of a pending array. None when the call does not qualify (it then runs eagerly)."""
    in_types = tuple(v.type for v in in_values)
    try:
        key = (opdef.name, in_types, tuple(attrs.items()))
        ok = _FUSIBLE.get(key)
    except TypeError:
        return None
    if ok is False:
        return None
    types = opdef.infer(list(in_types), attrs)
    if len(types) != 1:
        _FUSIBLE[key] = False
        return None
    node = Node(opdef.name, list(in_values), [Value(types[0])], attrs)
    if ok is None:
        ok = _FUSIBLE[key] = fusible(node) or full_reduction(node) or scalar_reshape(node)
    if not ok or not _lazy.can_defer(node):
        return None
    return types

"""Operators on large arrays: element-wise calls recorded without running (deferred, see
tapegraph.lazy) and threaded kernels for large eager calls (see tapegraph._tape.invoke)."""
from __future__ import annotations

from typing import Any, Dict

from .ir import Node, OpDef, TensorType, Value
from . import lazy as _lazy
from .gc_pause import _count_recorded, _gc_state
from .values import TracedValue

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
        from .passes import fusible
        from .runtime import FusedKernel
        from .ir import Graph
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


def defer(opdef: OpDef, inputs, attrs, out_cls) -> Any:
    """Record a fusible element-wise call on large arrays, or a full reduction of a pending
    array, without running it (see tapegraph.lazy); None when the call does not qualify
    (it then runs eagerly)."""
    in_values = []
    for a in inputs:
        v = a._value
        if v is None:
            d = a._data
            v = TracedValue(TensorType.get(d.shape, d.dtype), None, d)
        in_values.append(v)
    in_types = tuple(v.type for v in in_values)
    try:
        key = (opdef.name, in_types, tuple(attrs.items()))
        ok = _FUSIBLE.get(key)
    except TypeError:
        return None
    if ok is False:
        return None
    types = opdef.infer(list(in_types), attrs)
    if ok is None:
        from .passes import full_reduction, fusible, scalar_reshape
        node = Node(opdef.name, list(in_values), [Value(t) for t in types], attrs)
        ok = len(types) == 1 and (fusible(node) or full_reduction(node)
                                  or scalar_reshape(node))
        _FUSIBLE[key] = ok
    if not ok or not _lazy.can_defer(opdef.name, in_values):
        return None
    out = TracedValue(types[0], None, None)
    out.node = Node(opdef.name, in_values, [out], attrs)
    if _gc_state["paused"]:
        _count_recorded(0)  # holds no array: a full collection would free nothing here
    cls = out_cls if out_cls is not None else type(inputs[0])
    cls = _lazy.lazy_class(getattr(cls, "_eager_class", cls))
    arr = cls.__new__(cls)
    arr._value = out
    return arr

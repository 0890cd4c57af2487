"""The recording machinery: `invoke`, the single entry point through which every
operator runs (traced values are in tapegraph.trace.values).

`invoke` runs the operator's kernel eagerly (MXNet semantics: values exist at once)
and, while recording, creates one IR node whose inputs are the traced values of its
arguments and appends it to the thread's `Tape`, which builds the graph's structural key
as it goes. A node is reachable from the values it defined, so a graph dies with the
arrays that reference it (the thread holds its tape weakly).
"""
from __future__ import annotations

from typing import Any, Dict, Sequence

import numpy as np

from ..ir import OpDef, TensorType, get_op
from ..ir.errors import MXNetError
from ..accel import lazy as _lazy
from ..accel.large_ops import deferred_types, parallel_kernel as _parallel_kernel
from .builder import record, record1
from .key import intern_items
from .tape import STATE
from .values import TracedValue, type_of


def _as_array(r) -> np.ndarray:
    return r if type(r) is np.ndarray else np.asarray(r)


def _conform(opdef: OpDef, t: TensorType, r: np.ndarray) -> np.ndarray:
    """Make a kernel result match its inferred type (dtype drift is cast away)."""
    if r.shape != t.shape:
        raise MXNetError("internal error: kernel of %s returned shape %s, its shape rule says %s"
                         % (opdef.name, r.shape, t.shape))
    return r if r.dtype.name == t.dtype else r.astype(t.dtype)


_EMPTY: Dict[str, Any] = {}
# Output types by (operator, input types, attributes): shape rules are pure functions of
# those, and re-running them was a large part of recording an operator. Only successful
# inferences are kept (errors are raised afresh); bounded by clearing when full.
_INFERRED: Dict[tuple, Any] = {}
_INFERRED_MAX = 8192
_UNCACHED_INFER = frozenset(["_CustomFunction", "_CustomFunctionBackward"])
# np.dtype -> name: `dtype.name` is computed in Python by NumPy and costs ~1.5 us.
_DTYPE_NAMES: Dict[Any, str] = {}


def dtype_name(dtype) -> str:
    """`dtype.name`, cached per dtype object (hot path of every operator call)."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = dtype.name
    return name


# Set by mx.profiler while it runs: `OBSERVER(invoke, opdef, inputs, attrs, out_cls)` does
# the call itself, as `invoke(opdef, inputs, attrs, out_cls, True)`. None otherwise, so
# every call pays one global check.
OBSERVER = None


def invoke(opdef: OpDef, inputs: Sequence[Any], attrs: Dict[str, Any] = _EMPTY,
           out_cls: Any = None, _observed: bool = False) -> Any:
    """Run `opdef` on NDArrays `inputs` with `attrs`; record a node if recording.

    Returns one NDArray (of `out_cls`, default the class of the first input) or a tuple
    for multi-output operators. The shape rule runs first, so bad input raises a clear
    ShapeError before any allocation.
    """
    if OBSERVER is not None and not _observed:  # mx.profiler is running
        return OBSERVER(invoke, opdef, inputs, attrs, out_cls)
    if len(attrs) != len(opdef.attrs):
        attrs = opdef.complete_attrs(attrs)
    if len(inputs) == 1:
        a0 = inputs[0]
        if type(a0) not in _lazy.PENDING_TYPES:
            v0 = a0._value
            if v0 is not None:
                t0 = v0.type
            else:
                d0 = a0._data
                t0 = TensorType.get(d0.shape, d0.dtype)
            if t0.size < PARALLEL_MIN and not (_lazy.LAZY_MIN and t0.size >= _lazy.LAZY_MIN):
                return _invoke1(opdef, a0, v0, t0, attrs, out_cls)
    elif len(inputs) == 2:
        a0, a1 = inputs
        if type(a0) not in _lazy.PENDING_TYPES and type(a1) not in _lazy.PENDING_TYPES:
            v0 = a0._value
            if v0 is not None:
                t0 = v0.type
            else:
                d0 = a0._data
                t0 = TensorType.get(d0.shape, d0.dtype)
            if t0.size < PARALLEL_MIN and not (_lazy.LAZY_MIN and t0.size >= _lazy.LAZY_MIN):
                return _invoke2(opdef, a0, a1, v0, t0, attrs, out_cls)
    # Input types: a traced array's value already has its interned type.
    traced = False
    in_types = []
    for a in inputs:
        v = a._value
        if v is None:
            d = a._data
            in_types.append(TensorType.get(d.shape, d.dtype))
        else:
            traced = True
            in_types.append(v.type)
    in_types = tuple(in_types)
    recording = STATE.recording
    if recording and inputs and (
            type(inputs[0]) in _lazy.PENDING_TYPES  # element-wise, or a reduction of it
            or (opdef.fuse is not None and _lazy.LAZY_MIN
                and in_types[0].size >= _lazy.LAZY_MIN)):
        deferred = _defer(opdef, inputs, attrs, out_cls)
        if deferred is not None:
            return deferred
    try:
        key = (opdef, in_types, tuple(attrs.items())) if attrs else (opdef, in_types)
        inferred = _INFERRED.get(key)
    except TypeError:  # an unhashable attribute: infer every time
        key = inferred = None
    if inferred is None:
        inferred = _infer(opdef, in_types, attrs, key)
    types, items = inferred
    kernel = opdef.kernel
    datas = [a._data for a in inputs]
    if opdef.fuse is not None and datas and in_types[0].size >= PARALLEL_MIN:
        kernel = _parallel_kernel(opdef, datas, attrs, types) or kernel
    try:
        result = kernel(*datas, **attrs)
    except MXNetError:
        raise
    except Exception as e:
        raise _failed(opdef, datas, e) from e
    cls = out_cls if out_cls is not None else type(inputs[0])
    if len(types) != 1:
        return _multiple(opdef, inputs, datas, attrs, types, result, cls,
                         recording and traced)
    t = types[0]
    r = result if type(result) is np.ndarray else np.asarray(result)
    if r.shape != t.shape or (_DTYPE_NAMES.get(r.dtype) or dtype_name(r.dtype)) != t.dtype:
        r = _conform(opdef, t, r)
    arr = cls.__new__(cls)
    arr._data = r
    if not (recording and traced):
        arr._value = None
        return arr
    # Record: one node, its output value, and leaf values for untraced inputs.
    in_values = []
    for a, it in zip(inputs, in_types):
        v = a._value
        if v is None:
            v = TracedValue(it, None, a._data)
        in_values.append(v)
    arr._value = record1(opdef.name, tuple(in_values), t, r, attrs, items)
    return arr


def _failed(opdef: OpDef, datas, e: Exception) -> MXNetError:
    """The error for a kernel that raised something other than an MXNetError."""
    return MXNetError("operator %s failed on inputs of shapes %s: %s: %s" % (
        opdef.name, ", ".join(str(d.shape) for d in datas), type(e).__name__, e))


def _invoke1(opdef: OpDef, a0, v0, t0: TensorType, attrs: Dict[str, Any],
             out_cls: Any) -> Any:
    """`invoke` for the commonest call: one input (`v0` its traced value or None), not
    large (so neither deferred nor split over threads). Same behaviour, fewer steps; the
    tape append is inlined for a single-output node whose input is on the tape."""
    try:
        key = (opdef, t0, tuple(attrs.items())) if attrs else (opdef, t0)
        inferred = _INFERRED.get(key)
    except TypeError:
        key = inferred = None
    if inferred is None:
        inferred = _infer(opdef, (t0,), attrs, key)
    types, items = inferred
    d0 = a0._data
    try:
        result = opdef.kernel(d0, **attrs) if attrs else opdef.kernel(d0)
    except MXNetError:
        raise
    except Exception as e:
        raise _failed(opdef, [d0], e) from e
    cls = out_cls if out_cls is not None else type(a0)
    if len(types) != 1:
        return _multiple(opdef, (a0,), [d0], attrs, types, result, cls,
                         v0 is not None and STATE.recording)
    t = types[0]
    r = result if type(result) is np.ndarray else np.asarray(result)
    if r.shape != t.shape or (_DTYPE_NAMES.get(r.dtype) or dtype_name(r.dtype)) != t.dtype:
        r = _conform(opdef, t, r)
    arr = cls.__new__(cls)
    arr._data = r
    if v0 is None or not STATE.recording:
        arr._value = None
        return arr
    arr._value = record1(opdef.name, (v0,), t, r, attrs, items)
    return arr


def _invoke2(opdef: OpDef, a0, a1, v0, t0: TensorType, attrs: Dict[str, Any],
             out_cls: Any) -> Any:
    """`invoke` for two inputs that are neither pending nor large (the binary operators,
    `dot`): same behaviour as the general path, without its per-input loops."""
    v1 = a1._value
    if v1 is not None:
        t1 = v1.type
    else:
        d1 = a1._data
        t1 = TensorType.get(d1.shape, d1.dtype)
    in_types = (t0, t1)
    try:
        key = (opdef, in_types, tuple(attrs.items())) if attrs else (opdef, in_types)
        inferred = _INFERRED.get(key)
    except TypeError:
        key = inferred = None
    if inferred is None:
        inferred = _infer(opdef, in_types, attrs, key)
    types, items = inferred
    d0, d1 = a0._data, a1._data
    try:
        result = opdef.kernel(d0, d1, **attrs) if attrs else opdef.kernel(d0, d1)
    except MXNetError:
        raise
    except Exception as e:
        raise _failed(opdef, [d0, d1], e) from e
    cls = out_cls if out_cls is not None else type(a0)
    traced = v0 is not None or v1 is not None
    if len(types) != 1:
        return _multiple(opdef, (a0, a1), [d0, d1], attrs, types, result, cls,
                         traced and STATE.recording)
    t = types[0]
    r = result if type(result) is np.ndarray else np.asarray(result)
    if r.shape != t.shape or (_DTYPE_NAMES.get(r.dtype) or dtype_name(r.dtype)) != t.dtype:
        r = _conform(opdef, t, r)
    arr = cls.__new__(cls)
    arr._data = r
    if not traced or not STATE.recording:
        arr._value = None
        return arr
    if v0 is None:
        v0 = TracedValue(t0, None, d0)
    if v1 is None:
        v1 = TracedValue(t1, None, d1)
    arr._value = record1(opdef.name, (v0, v1), t, r, attrs, items)
    return arr


def _infer(opdef: OpDef, in_types: tuple, attrs: Dict[str, Any], key) -> tuple:
    """Run the shape rule: `(output types, the attribute part of the node's graph-key
    entry)` (see tapegraph.trace.key; None when the attributes are unhashable: the
    builder then freezes them). Successful inferences are remembered under `key` (None:
    uncachable), with the interned attribute items, so recording a call hashes them once."""
    types = opdef.infer(list(in_types), attrs)
    if not attrs:
        items: Any = ()
    else:
        items = intern_items(key[2], attrs) if key is not None else None
    if key is not None and opdef.name not in _UNCACHED_INFER:
        if len(_INFERRED) >= _INFERRED_MAX:
            _INFERRED.clear()
        _INFERRED[key] = (types, items)
    return types, items


def _multiple(opdef: OpDef, inputs, datas, attrs, types, result, cls, recording: bool) -> Any:
    """Finish a multi-output operator call: conform, wrap and (if `recording`) record."""
    results = tuple(_as_array(r) for r in result)
    for t, r in zip(types, results):
        if r.shape != t.shape or dtype_name(r.dtype) != t.dtype:
            results = tuple(_conform(opdef, t2, r2) for t2, r2 in zip(types, results))
            break
    if recording:
        in_types = [a._value.type if a._value is not None else type_of(d)
                    for a, d in zip(inputs, datas)]
        return _record(opdef, inputs, datas, in_types, attrs, types, results, cls, False)
    outs = []
    for r in results:
        arr = cls.__new__(cls)
        arr._data = r
        arr._value = None
        outs.append(arr)
    return tuple(outs)


# Element-wise operators on arrays at least this large run eagerly through the runtime's
# generated kernels: chunked and split over both cores (NumPy ufuncs release the GIL).
PARALLEL_MIN = 1 << 20


def _record(opdef: OpDef, inputs, datas, in_types, attrs, types, results, cls,
            single: bool) -> Any:
    """Record the node of one operator call and wrap its results."""
    in_values = []
    for a, d, t in zip(inputs, datas, in_types):
        v = a._value
        if v is None:
            v = TracedValue(t, None, d)
        in_values.append(v)
    outs = []
    for r, v in zip(results, record(opdef.name, in_values, types, results, attrs)):
        arr = cls.__new__(cls)
        arr._data = r
        arr._value = v
        outs.append(arr)
    return outs[0] if single else tuple(outs)


def _defer(opdef: OpDef, inputs, attrs, out_cls) -> Any:
    """Record a call without running it when it qualifies (see
    tapegraph.accel.large_ops.deferred_types): its array is pending; None otherwise."""
    in_values = []
    for a in inputs:
        v = a._value
        if v is None:
            d = a._data
            v = TracedValue(TensorType.get(d.shape, d.dtype), None, d)
        in_values.append(v)
    types = deferred_types(opdef, in_values, attrs)
    if types is None:
        return None
    # Off the tape: a backward finds a pending chain by a walk (its key marks it pending).
    (out,) = record(opdef.name, in_values, types[:1], (None,), attrs, taped=False)
    cls = out_cls if out_cls is not None else type(inputs[0])
    cls = _lazy.lazy_class(getattr(cls, "_eager_class", cls))
    arr = cls.__new__(cls)
    arr._value = out
    _lazy.ALIVE.add(arr)
    return arr


def invoke_by_name(name: str, inputs: Sequence[Any], attrs: Dict[str, Any] = _EMPTY,
                   out_cls: Any = None) -> Any:
    """`invoke` looking the operator up by name."""
    return invoke(get_op(name), inputs, attrs, out_cls)


__all__ = ["invoke", "invoke_by_name"]

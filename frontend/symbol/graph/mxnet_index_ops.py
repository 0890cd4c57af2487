"""Mappings of MXNet's gathers, scatters, splits and statistics built from registered IR
operators (MXNet names: `gather_nd`, `scatter_nd`, `diag`, `moments`, `shape_array`,
`size_array`, `_split_v2`, `khatri_rao`). They compose the operators the `mx.nd`
versions record; positions computed from the index inputs are operators on those inputs,
and constants (strides, diagonal positions, shapes) are `_full` / `_arange` nodes.
`index_mappings()` merges them into the loader's table."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from ...ir import Builder, MXNetError, Value


def _int64(b: Builder, values: Sequence[int]) -> Value:
    """A 1-D int64 constant holding `values`: one `_full` of shape (1,) per value."""
    parts = [b.op("_full", shape=(1,), value=float(v), dtype="int64") for v in values]
    if len(parts) == 1:
        return parts[0]
    return b.op("Concat", *parts, dim=0, num_args=len(parts))


def _int64_range(b: Builder, start: int, count: int, step: int) -> Value:
    """start, start + step, ... (`count` values) as int64."""
    return b.op("_arange", start=float(start), stop=float(start + count * step),
                step=float(step), dtype="int64")


def _flat_positions(b: Builder, idx: Value, dims: Sequence[int]) -> Value:
    """sum_k (idx[k] mod dims[k]) * stride_k over the rows of int64 `idx` (M, ...)."""
    m = len(dims)
    col = (m,) + (1,) * (idx.type.ndim - 1)
    strides = np.cumprod((1,) + tuple(dims[:0:-1]))[::-1]
    wrapped = b.op("_mod", idx, b.op("broadcast_to", b.op("Reshape", _int64(b, dims), shape=col),
                                     shape=idx.type.shape))
    terms = b.op("elemwise_mul", wrapped, b.op("broadcast_to", b.op(
        "Reshape", _int64(b, strides), shape=col), shape=idx.type.shape))
    return b.op("sum", terms, axis=0)


def _as_int64(b: Builder, v: Value) -> Value:
    return v if v.type.dtype == "int64" else b.op("Cast", v, dtype="int64")


def _gather_nd(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    data, indices = ins
    if indices.type.ndim < 2:
        raise MXNetError("gather_nd requires index tensor to have at least 2 dimensions")
    m = indices.type.shape[0]
    if m > data.type.ndim:
        raise MXNetError("gather_nd: indices index %d axes of a %d-d array"
                         % (m, data.type.ndim))
    positions = _flat_positions(b, _as_int64(b, indices), data.type.shape[:m])
    flat = b.op("Reshape", data, shape=(-1,) + tuple(data.type.shape[m:]))
    return b.op("take", flat, positions, axis=0, mode="clip")


def _overwritten(b: Builder, positions: Value) -> Value:
    """1 where a later write (in order) targets the same position, else 0 (int64)."""
    n = positions.type.shape[0]
    key = b.op("elemwise_add", b.op("_mul_scalar", positions, scalar=float(n)),
               _int64_range(b, 0, n, 1))
    order = b.op("argsort", key, axis=0, is_ascend=True, dtype="int64")
    ranked = b.op("take", positions, order, axis=0, mode="clip")
    head = b.op("slice_axis", ranked, axis=0, begin=0, end=n - 1)
    tail = b.op("slice_axis", ranked, axis=0, begin=1, end=n)
    later = b.op("Concat", b.op("_equal", head, tail), _int64(b, [0]), dim=0, num_args=2)
    return b.op("_take_scatter", later, order, shape=(n,), axis=0, mode="clip")


def _scatter_nd(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    data, indices = ins
    shape = tuple(int(s) for s in attrs["shape"])
    if indices.type.ndim < 1:
        raise MXNetError("scatter_nd: indices must have at least one dimension")
    m = indices.type.shape[0]
    if m > len(shape) or tuple(indices.type.shape[1:]) + shape[m:] != data.type.shape:
        raise MXNetError("scatter_nd: data %s, indices %s and shape %s do not match (expected "
                         "data of shape indices.shape[1:] + shape[M:])"
                         % (data.type.shape, indices.type.shape, shape))
    idx = b.op("Reshape", _as_int64(b, indices), shape=(m, -1))
    positions = _flat_positions(b, idx, shape[:m])
    n = positions.type.shape[0]
    rows = b.op("Reshape", data, shape=(n, -1))
    scatter = dict(shape=(int(np.prod(shape[:m])), rows.type.shape[1]), axis=0, mode="clip")
    res = b.op("_take_scatter", rows, positions, **scatter)
    if n > 1:  # drop overwritten writes from the value, not from the gradient
        dropped = b.op("Cast", _overwritten(b, positions), dtype=data.type.dtype)
        mask = b.op("broadcast_to", b.op("Reshape", dropped, shape=(n, 1)),
                    shape=rows.type.shape)
        hidden = b.op("BlockGrad", b.op("elemwise_mul", rows, mask))
        res = b.op("elemwise_sub", res, b.op("_take_scatter", hidden, positions, **scatter))
    return b.op("Reshape", res, shape=shape)


def diag(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    x, k = ins[0], int(attrs.get("k", 0))
    if x.type.ndim == 1:
        n = x.type.shape[0] + abs(k)
        idx = _int64_range(b, max(0, -k) * n + max(0, k), x.type.shape[0], n + 1)
        full = b.op("_take_scatter", x, idx, shape=(n * n,), axis=0, mode="clip")
        return b.op("Reshape", full, shape=(n, n))
    if x.type.ndim < 1:
        raise MXNetError("diag: expected an array of at least 1 dimension")
    nd = x.type.ndim
    a1, a2 = int(attrs.get("axis1", 0)) % nd, int(attrs.get("axis2", 1)) % nd
    if a1 == a2:
        raise MXNetError("diag: axis1 and axis2 cannot refer to the same axis %d" % a1)
    rows, cols = x.type.shape[a1], x.type.shape[a2]
    r0 = max(0, -k)
    length = min(rows - r0, cols - r0 - k)
    if length <= 0:
        raise MXNetError("Diagonal does not exist.")
    others = [a for a in range(nd) if a not in (a1, a2)]
    if others + [a1, a2] != list(range(nd)):
        x = b.op("transpose", x, axes=tuple(others + [a1, a2]))
    x = b.op("Reshape", x, shape=tuple(x.type.shape[:-2]) + (rows * cols,))
    idx = _int64_range(b, r0 * cols + r0 + k, length, cols + 1)
    return b.op("take", x, idx, axis=nd - 2, mode="clip")


def mean_and_variance(b: Builder, x: Value, axes: tuple, keepdims: bool):
    """The mean of `x` over `axes` (kept as size-1 axes) and the mean of the squared
    deviations from it (`keepdims` as asked)."""
    mean = b.op("mean", x, axis=axes, keepdims=True)
    centred = b.op("elemwise_sub", x, b.op("broadcast_to", mean, shape=x.type.shape))
    return mean, b.op("mean", b.op("square", centred), axis=axes, keepdims=keepdims)


def _moments(b: Builder, ins: List[Value], attrs: Dict[str, Any]):
    x = ins[0]
    axes = attrs.get("axes")
    if axes is None or axes == ():
        raise MXNetError("Empty axes is not supported, if you would like to do global "
                         "moments, please pass all axes to axes argument")
    axes = (axes,) if isinstance(axes, int) else tuple(axes)
    keepdims = bool(attrs.get("keepdims", False))
    mean, var = mean_and_variance(b, x, axes, keepdims)
    if var.type.shape == ():  # MXNet's legacy arrays have no 0-d form
        var = b.op("Reshape", var, shape=(1,))
    if not keepdims:
        mean = b.op("Reshape", mean, shape=var.type.shape)
    return mean, var


def _shape_array(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    if ins[0].type.ndim == 0:
        raise MXNetError("shape_array: a 0-d input has no legacy shape array")
    return _int64(b, ins[0].type.shape)


def _size_array(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    return _int64(b, [int(np.prod(ins[0].type.shape))])


def _split_bounds(attrs: Dict[str, Any], size: int) -> List[int]:
    indices = list(attrs.get("indices") or ())
    if indices:
        return [int(i) for i in indices] + [size]
    sections = int(attrs.get("sections", 0))
    if sections <= 0 or size % sections:
        raise MXNetError("split_v2: an axis of size %d cannot be split into %d equal "
                         "sections" % (size, sections))
    return list(range(0, size + 1, size // sections))


def _split_outputs(attrs: Dict[str, Any]) -> int:
    indices = attrs.get("indices") or ()
    return len(indices) if indices else int(attrs.get("sections", 1))


def _split_v2(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Tuple[Value, ...]:
    x = ins[0]
    axis = int(attrs.get("axis", 0)) % x.type.ndim
    squeeze = bool(attrs.get("squeeze_axis", False))
    parts = []
    bounds = _split_bounds(attrs, x.type.shape[axis])
    for begin, end in zip(bounds[:-1], bounds[1:]):
        part = b.op("slice_axis", x, axis=axis, begin=begin, end=end)
        if squeeze:
            if end - begin != 1:
                raise MXNetError("split_v2: squeeze_axis needs sections of size 1")
            part = b.op("squeeze", part, axis=(axis,))
        parts.append(part)
    return tuple(parts)


def _khatri_rao(b: Builder, ins: List[Value], attrs: Dict[str, Any]) -> Value:
    for v in ins:
        if v.type.ndim != 2 or v.type.shape[1] != ins[0].type.shape[1]:
            raise MXNetError("khatri_rao: inputs must be matrices with %d columns, got shape %s"
                             % (ins[0].type.shape[1], v.type.shape))
    res, n = b.op("_copy", ins[0]), ins[0].type.shape[1]
    for a in ins[1:]:
        m1, m2 = res.type.shape[0], a.type.shape[0]
        lhs = b.op("broadcast_to", b.op("Reshape", res, shape=(m1, 1, n)), shape=(m1, m2, n))
        rhs = b.op("broadcast_to", b.op("Reshape", a, shape=(1, m2, n)), shape=(m1, m2, n))
        res = b.op("Reshape", b.op("elemwise_mul", lhs, rhs), shape=(m1 * m2, n))
    return res


def index_mappings(mapping_cls) -> Dict[str, Any]:
    """The mappings of this module (`mapping_cls` is `mxnet_ops.OpMapping`)."""
    m = mapping_cls
    return {
        "gather_nd": m("take", _gather_nd, arity=(2, 2)),
        "scatter_nd": m("_take_scatter", _scatter_nd, arity=(2, 2)),
        "diag": m("take", diag, arity=(1, 1)),
        "moments": m("mean", _moments, arity=(1, 1), outputs=lambda attrs: 2),
        "shape_array": m("_full", _shape_array, arity=(1, 1)),
        "size_array": m("_full", _size_array, arity=(1, 1)),
        "_split_v2": m("slice_axis", _split_v2, arity=(1, 1), outputs=_split_outputs),
        "khatri_rao": m("elemwise_mul", _khatri_rao, arity=(1, None), ignore=("num_args",)),
    }

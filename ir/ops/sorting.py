"""Sorting: sort, argsort, topk, and the gather/scatter pair `_take_along_axis` <->
`_put_along_axis` their gradients use (each the other's adjoint)."""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import check_shape_attr, fmt_shape, normalize_axes


def _axis(ndim, axis, opname):
    return normalize_axes(int(axis), ndim, opname)[0]


def _order(x, axis, ascending):
    """Indices that sort x along axis (stable; ties keep their order either way)."""
    return np.argsort(x if ascending else -x, axis=axis, kind="stable")


def _argsort_infer(ins, attrs):
    t = ins[0]
    _axis(t.ndim, attrs["axis"], "argsort")
    return [TensorType.get(t.shape, np.dtype(attrs["dtype"]).name)]


@register("argsort", _argsort_infer, attrs={"axis": -1, "is_ascend": True, "dtype": "float32"},
          mxnet_np="_npi_argsort",
          nondiff_note="index-valued output: its gradient is zero everywhere")
def argsort(x, axis, is_ascend, dtype):
    """Indices that sort `x` along `axis`."""
    return _order(x, int(axis), is_ascend).astype(dtype)


argsort.gradient(lambda b, n, g: [None])


def _sort_infer(ins, attrs):
    _axis(ins[0].ndim, attrs["axis"], "sort")
    return [ins[0]]


@register("sort", _sort_infer, attrs={"axis": -1, "is_ascend": True}, mxnet_np="_npi_sort")
def sort(x, axis, is_ascend):
    """`x` sorted along `axis`."""
    return np.take_along_axis(x, _order(x, int(axis), is_ascend), axis=int(axis))


@sort.gradient
def _sort_vjp(b, n, g):
    x, a = n.inputs[0], n.attrs
    idx = b.op("argsort", x, axis=a["axis"], is_ascend=a["is_ascend"], dtype="int64")
    return [b.op("_put_along_axis", g[0], idx, shape=x.type.shape, axis=a["axis"])]


_TOPK = ("value", "indices", "mask")


def _topk_infer(ins, attrs):
    t = ins[0]
    axis = _axis(t.ndim, attrs["axis"], "topk")
    k = int(attrs["k"])
    if attrs["ret_typ"] not in _TOPK:
        raise ShapeError("topk: ret_typ %r is not supported (expected one of %s)"
                         % (attrs["ret_typ"], ", ".join(_TOPK)))
    if not 0 < k <= t.shape[axis]:
        raise ShapeError("topk: k=%d must be in [1, %d] for axis %d of shape %s"
                         % (k, t.shape[axis], axis, fmt_shape(t.shape)))
    if attrs["ret_typ"] == "mask":
        return [t]
    shape = list(t.shape)
    shape[axis] = k
    dtype = t.dtype if attrs["ret_typ"] == "value" else np.dtype(attrs["dtype"]).name
    return [TensorType.get(tuple(shape), dtype)]


def topk_indices(x, axis, k, is_ascend):
    order = _order(x, axis, is_ascend)
    return np.take(order, np.arange(k), axis=axis)


@register("topk", _topk_infer, attrs={"axis": -1, "k": 1, "ret_typ": "indices",
                                      "is_ascend": False, "dtype": "float32"},
          mxnet_np="_npx_topk")
def topk(x, axis, k, ret_typ, is_ascend, dtype):
    """The k largest (or smallest, with is_ascend) elements along `axis`: their values,
    their indices, or a 0/1 mask of their positions."""
    axis = int(axis) % x.ndim
    idx = topk_indices(x, axis, int(k), is_ascend)
    if ret_typ == "value":
        return np.take_along_axis(x, idx, axis=axis)
    if ret_typ == "indices":
        return idx.astype(dtype)
    mask = np.zeros_like(x)
    np.put_along_axis(mask, idx, 1, axis=axis)
    return mask


@topk.gradient
def _topk_vjp(b, n, g):
    x, a = n.inputs[0], n.attrs
    if a["ret_typ"] != "value":
        return [None]
    idx = b.op("topk", x, axis=a["axis"], k=a["k"], ret_typ="indices",
               is_ascend=a["is_ascend"], dtype="int64")
    return [b.op("_put_along_axis", g[0], idx, shape=x.type.shape, axis=a["axis"])]


def _take_along_infer(ins, attrs):
    x, idx = ins
    axis = _axis(x.ndim, attrs["axis"], "_take_along_axis")
    if idx.ndim != x.ndim or any(s != t for i, (s, t) in enumerate(zip(x.shape, idx.shape))
                                 if i != axis):
        raise ShapeError("_take_along_axis: index of shape %s does not fit data %s"
                         % (fmt_shape(idx.shape), fmt_shape(x.shape)))
    return [TensorType.get(idx.shape, x.dtype)]


@register("_take_along_axis", _take_along_infer, num_inputs=2, attrs={"axis": REQUIRED})
def take_along_axis(x, indices, axis):
    """x at `indices` along `axis` (NumPy's take_along_axis)."""
    return np.take_along_axis(x, indices.astype(np.int64), axis=int(axis))


take_along_axis.gradient(lambda b, n, g: [b.op(
    "_put_along_axis", g[0], n.inputs[1], shape=n.inputs[0].type.shape,
    axis=n.attrs["axis"]), None])


def _put_along_infer(ins, attrs):
    shape = check_shape_attr(attrs["shape"], "_put_along_axis")
    want = _take_along_infer([TensorType.get(shape, ins[0].dtype), ins[1]], attrs)[0]
    if want.shape != ins[0].shape:
        raise ShapeError("_put_along_axis: values of shape %s do not fit index %s"
                         % (fmt_shape(ins[0].shape), fmt_shape(ins[1].shape)))
    return [TensorType.get(shape, ins[0].dtype)]


@register("_put_along_axis", _put_along_infer, num_inputs=2,
          attrs={"shape": REQUIRED, "axis": REQUIRED})
def put_along_axis(g, indices, shape, axis):
    """Zeros of `shape` with `g` added at `indices` along `axis` (the adjoint of
    _take_along_axis; repeated indices add up)."""
    axis = int(axis) % len(shape)
    out = np.zeros(shape, dtype=g.dtype)
    idx = indices.astype(np.int64)
    grids = list(np.ix_(*[np.arange(s) for s in idx.shape]))
    grids[axis] = idx
    np.add.at(out, tuple(grids), g)
    return out


put_along_axis.gradient(lambda b, n, g: [b.op(
    "_take_along_axis", g[0], n.inputs[1], axis=n.attrs["axis"]), None])


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, set_rule, zero  # noqa: E402  (after the operators)

set_rule(linear(0), ["_take_along_axis", "_put_along_axis"])
set_rule(zero, ["argsort"])

"""Gather operators and their scatter adjoints: take <-> _take_scatter, pick <->
_pick_scatter, Embedding (a take on axis 0), one_hot.

Index inputs hold integer values (in any dtype, as MXNet's float indices); they get no
cotangent. Each scatter adjoint is a registered operator whose gradient is its gather,
so every order works.
"""
from __future__ import annotations

import math

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType
from .rules import check_shape_attr, fmt_shape, normalize_axes

_MODES = ("clip", "wrap", "raise")


def _indices(idx: np.ndarray, size: int, mode: str) -> np.ndarray:
    """Integer indices into an axis of `size`, handled as `mode` says."""
    if mode == "clip":  # (np.clip's Python-level dispatch cost more than the clipping)
        hi = max(size - 1, 0)
        if idx.dtype.kind != "i":
            i = idx.astype(np.int64)  # a fresh array: clipped in place
            np.minimum(i, hi, out=i)
            return np.maximum(i, 0, out=i)
        return np.maximum(np.minimum(idx, hi), 0)
    i = idx.astype(np.int64) if idx.dtype.kind != "i" else idx
    if mode == "wrap":
        return np.mod(i, size)
    if i.size and (i.min() < -size or i.max() >= size):
        raise IndexError("index %d is out of bounds for axis with size %d"
                         % (int(i.max() if i.max() >= size else i.min()), size))
    return np.where(i < 0, i + size, i)


def _check_mode(mode, opname):
    if mode not in _MODES:
        raise ShapeError("%s: mode must be one of %s, got %r" % (opname, ", ".join(_MODES), mode))


def _take_shape(a_shape, idx_shape, axis):
    return a_shape[:axis] + idx_shape + a_shape[axis + 1:]


def _take_infer(ins, attrs):
    a, idx = ins
    _check_mode(attrs["mode"], "take")
    if a.ndim == 0:
        raise ShapeError("take: cannot take from a 0-d array")
    axis = normalize_axes(int(attrs["axis"]), a.ndim, "take")[0]
    return [TensorType.get(_take_shape(a.shape, idx.shape, axis), a.dtype)]


@register("take", _take_infer, num_inputs=2, attrs={"axis": 0, "mode": "clip"},
          mxnet_np="_npi_take")
def take(a, indices, axis, mode):
    """Elements of `a` at `indices` along `axis` (mode: clip, wrap or raise)."""
    axis = int(axis) % a.ndim
    return np.take(a, _indices(indices, a.shape[axis], mode), axis=axis)


@take.gradient
def _take_vjp(b, n, g):
    a, idx = n.inputs
    return [b.op("_take_scatter", g[0], idx, shape=a.type.shape, axis=n.attrs["axis"],
                 mode=n.attrs["mode"]), None]


def _scatter_infer(ins, attrs):
    g, idx = ins
    shape = check_shape_attr(attrs["shape"], "_take_scatter")
    axis = normalize_axes(int(attrs["axis"]), len(shape), "_take_scatter")[0]
    want = _take_shape(shape, idx.shape, axis)
    if g.shape != want:
        raise ShapeError("_take_scatter: cotangent of shape %s does not match %s"
                         % (fmt_shape(g.shape), fmt_shape(want)))
    return [TensorType.get(shape, g.dtype)]


@register("_take_scatter", _scatter_infer, num_inputs=2,
          attrs={"shape": REQUIRED, "axis": 0, "mode": "clip"})
def take_scatter(g, indices, shape, axis, mode):
    """Zeros of `shape` with `g` added at `indices` along `axis` (the adjoint of take)."""
    axis = int(axis) % len(shape)
    out = np.zeros(shape, dtype=g.dtype)
    pre = math.prod(shape[:axis])
    post = math.prod(shape[axis + 1:])
    flat = _indices(indices, shape[axis], mode).reshape(-1)
    view = out.reshape(pre, shape[axis], post)
    np.add.at(view, (slice(None), flat), g.reshape(pre, flat.size, post))
    return out


@take_scatter.gradient
def _take_scatter_vjp(b, n, g):
    return [b.op("take", g[0], n.inputs[1], axis=n.attrs["axis"], mode=n.attrs["mode"]), None]

# ---------------------------------------------------------------- pick


def _pick_shape(shape, axis, keepdims):
    return shape[:axis] + ((1,) if keepdims else ()) + shape[axis + 1:]


def _pick_infer(ins, attrs):
    x, idx = ins
    _check_mode(attrs["mode"], "pick")
    if attrs["axis"] is None:
        raise ShapeError("pick: axis=None is not supported; give an axis")
    axis = normalize_axes(int(attrs["axis"]), x.ndim, "pick")[0]
    want = _pick_shape(x.shape, axis, False)
    if idx.shape not in (want, _pick_shape(x.shape, axis, True)):
        raise ShapeError("pick: index of shape %s does not match data %s on axis %d "
                         "(expected %s)" % (fmt_shape(idx.shape), fmt_shape(x.shape), axis,
                                            fmt_shape(want)))
    return [TensorType.get(_pick_shape(x.shape, axis, attrs["keepdims"]), x.dtype)]


def _pick_where(x_shape, idx, axis, mode) -> tuple:
    """The fancy index of pick's elements in an array of `x_shape` viewed as (before,
    axis, after) (`_pick_view`): take_along_axis's indexing without its Python-level
    set-up, which cost more than the gather for a loss-sized array."""
    i = _indices(idx, x_shape[axis], mode)
    before = math.prod(x_shape[:axis])
    after = math.prod(x_shape[axis + 1:])
    if after == 1:
        return (np.arange(before), i.reshape(before))
    return (np.arange(before)[:, None], i.reshape(before, after), np.arange(after))


def _pick_view(shape, axis) -> tuple:
    before = math.prod(shape[:axis])
    after = math.prod(shape[axis + 1:])
    return (before, shape[axis]) if after == 1 else (before, shape[axis], after)


@register("pick", _pick_infer, num_inputs=2,
          attrs={"axis": -1, "keepdims": False, "mode": "clip"}, mxnet_np="_npx_pick")
def pick(x, index, axis, keepdims, mode):
    """x[..., index[...], ...]: one element per position along `axis`."""
    axis = int(axis) % x.ndim
    if mode == "clip" and axis == x.ndim - 1:  # the commonest (a classification loss)
        return _pick_last_clip(x, index, keepdims)
    out = x.reshape(_pick_view(x.shape, axis))[_pick_where(x.shape, index, axis, mode)]
    return out.reshape(_pick_shape(x.shape, axis, keepdims))


def _pick_last_clip(x, index, keepdims):
    """`pick` along the last axis in mode 'clip': a `take` at flat positions (row offsets
    plus the clipped indices), with the offsets and the clip bounds made once per shape
    (NumPy's handling of Python-number operands and fancy indexing cost more than the
    gather on a loss-sized array). Same elements as the general path."""
    shape = x.shape
    key = (shape, bool(keepdims))
    plan = _PICK_LAST.get(key)
    if plan is None:
        n = shape[-1]
        rows = math.prod(shape[:-1])
        offsets = np.arange(rows, dtype=np.int64) * n
        hi, zero = np.array(max(n - 1, 0), np.int64), np.array(0, np.int64)
        for a in (offsets, hi, zero):
            a.setflags(write=False)
        plan = (rows, offsets, hi, zero, _pick_shape(shape, len(shape) - 1, keepdims))
        if len(_PICK_LAST) >= 256:
            _PICK_LAST.clear()
        _PICK_LAST[key] = plan
    rows, offsets, hi, zero, out_shape = plan
    i = index.astype(np.int64).reshape(rows)  # a fresh array: clipped and offset in place
    np.minimum(i, hi, out=i)
    np.maximum(i, zero, out=i)
    np.add(i, offsets, out=i)
    return x.take(i).reshape(out_shape)


_PICK_LAST: dict = {}  # (shape, keepdims) -> _pick_last_clip's offsets, bounds and shapes


@pick.gradient
def _pick_vjp(b, n, g):
    x, idx = n.inputs
    return [b.op("_pick_scatter", g[0], idx, shape=x.type.shape, axis=n.attrs["axis"],
                 keepdims=n.attrs["keepdims"], mode=n.attrs["mode"]), None]


def _pick_scatter_infer(ins, attrs):
    g, idx = ins
    shape = check_shape_attr(attrs["shape"], "_pick_scatter")
    axis = normalize_axes(int(attrs["axis"]), len(shape), "_pick_scatter")[0]
    if g.shape != _pick_shape(shape, axis, attrs["keepdims"]):
        raise ShapeError("_pick_scatter: cotangent of shape %s does not fit %s"
                         % (fmt_shape(g.shape), fmt_shape(shape)))
    return [TensorType.get(shape, g.dtype)]


@register("_pick_scatter", _pick_scatter_infer, num_inputs=2,
          attrs={"shape": REQUIRED, "axis": -1, "keepdims": False, "mode": "clip"})
def pick_scatter(g, index, shape, axis, keepdims, mode):
    """Zeros of `shape` with `g` written at the picked positions (the adjoint of pick)."""
    axis = int(axis) % len(shape)
    out = np.zeros(shape, dtype=g.dtype)
    where = _pick_where(shape, index, axis, mode)
    out.reshape(_pick_view(shape, axis))[where] = g.reshape(where[1].shape)
    return out


@pick_scatter.gradient
def _pick_scatter_vjp(b, n, g):
    a = n.attrs
    return [b.op("pick", g[0], n.inputs[1], axis=a["axis"], keepdims=a["keepdims"],
                 mode=a["mode"]), None]

# ---------------------------------------------------------------- one_hot, Embedding


def _one_hot_infer(ins, attrs):
    depth = int(attrs["depth"])
    if depth < 0:
        raise ShapeError("one_hot: depth must be non-negative, got %d" % depth)
    return [TensorType.get(ins[0].shape + (depth,), np.dtype(attrs["dtype"]).name)]


@register("one_hot", _one_hot_infer,
          attrs={"depth": REQUIRED, "on_value": 1.0, "off_value": 0.0, "dtype": "float32"},
          mxnet_np="_npx_one_hot",
          nondiff_note="the output depends only on integer indices: zero gradient")
def one_hot(indices, depth, on_value, off_value, dtype):
    """Rows of `depth` values: `on_value` at each index, `off_value` elsewhere."""
    i = indices.astype(np.int64)
    hit = i[..., None] == np.arange(int(depth))
    return np.where(hit, on_value, off_value).astype(dtype)


one_hot.gradient(lambda b, n, g: [None])


def _embedding_infer(ins, attrs):
    data, weight = ins
    want = (int(attrs["input_dim"]), int(attrs["output_dim"]))
    if weight.shape != want:
        raise ShapeError("Embedding: weight has shape %s, expected %s (input_dim, output_dim)"
                         % (fmt_shape(weight.shape), fmt_shape(want)))
    return [TensorType.get(data.shape + (want[1],), weight.dtype)]


@register("Embedding", _embedding_infer, num_inputs=2,
          attrs={"input_dim": REQUIRED, "output_dim": REQUIRED, "dtype": "float32",
                 "sparse_grad": False}, mxnet_np="_npx_embedding")
def embedding(data, weight, input_dim, output_dim, dtype, sparse_grad):
    """Rows of `weight` selected by the integer values of `data` (clipped into range)."""
    return np.take(weight, _indices(data, weight.shape[0], "clip"), axis=0)


@embedding.gradient
def _embedding_vjp(b, n, g):
    data, weight = n.inputs
    return [None, b.op("_take_scatter", g[0], data, shape=weight.type.shape, axis=0,
                       mode="clip")]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, set_rule, zero  # noqa: E402  (after the operators)

# Linear in the data; the indices have no tangent.
set_rule(linear(0), ["take", "_take_scatter", "pick", "_pick_scatter"])
set_rule(linear(1), ["Embedding"])
set_rule(zero, ["one_hot"])

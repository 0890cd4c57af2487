"""Batching rules of the gather/scatter operators whose indices may be batched: take,
_take_scatter, Embedding, _pick_scatter, one_hot.

Per-example indices into a batched array become indices into one axis holding the whole
batch: the batch axis is moved next to the indexed axis and merged with it, and example
`i`'s indices are shifted by `i * n` (after the `mode` of the operator brought them into
[0, n)), so a single gather or scatter serves every example.
"""
from __future__ import annotations

from typing import List

from ..ir import Builder, Value
from ..ir.types import is_float
from .vmap_rules import _all_batched, _axis, batched_value, rule


def _move(ndim: int, src: int, dst: int) -> tuple:
    order = [a for a in range(ndim) if a != src]
    order.insert(dst, src)
    return tuple(order)


def _in_range(b: Builder, idx: Value, n: int, size: int, mode: str) -> Value:
    """`idx` brought into [0, n) as `mode` does it (clip, wrap); for "raise", a valid
    index (negative ones counted from the end) or, when out of range, `size * n`, which
    stays out of range of the merged axis so the gather still raises."""
    if is_float(idx.type.dtype):
        idx = b.op("fix", idx)  # the kernels truncate float indices toward zero
    if mode == "clip":
        return b.op("clip", idx, a_min=0.0, a_max=float(max(n - 1, 0)))
    if mode == "wrap":
        return b.op("_mod_scalar", idx, scalar=float(n))
    from_end = b.op("_plus_scalar", idx, scalar=float(n))
    idx = b.op("where", b.op("_lesser_scalar", idx, scalar=0.0), from_end, idx)
    bad = b.op("_maximum", b.op("_greater_equal_scalar", idx, scalar=float(n)),
               b.op("_lesser_scalar", idx, scalar=0.0))
    return b.op("elemwise_add", idx, b.op("_mul_scalar", bad, scalar=float(size * n)))


def _merged_indices(b: Builder, idx: Value, n: int, size: int, mode: str) -> Value:
    """Batched indices (B, ...) into an axis of n, as indices into the merged (B*n) axis."""
    idx = _in_range(b, idx, n, size, mode)
    step = b.op("_full", shape=(size,), value=float(n), dtype=idx.type.dtype)
    start = b.op("_minus_scalar", b.op("cumsum", step, axis=0), scalar=float(n))  # i * n
    rest = idx.type.ndim - 1
    start = b.op("Reshape", start, shape=(size,) + (1,) * rest)
    return b.op("elemwise_add", idx, b.op("broadcast_to", start, shape=idx.type.shape))


def _merge_batch_into(b: Builder, x: Value, axis: int) -> Value:
    """(B, ..., n@axis+1, ...) -> (..., B*n@axis, ...): the batch axis merged into `axis`."""
    shape = x.type.shape
    if axis:
        x = b.op("transpose", x, axes=_move(len(shape), 0, axis))
    inner = shape[1:]
    return b.op("Reshape", x, shape=inner[:axis] + (shape[0] * inner[axis],) + inner[axis + 1:])


def batched_take(b: Builder, a: Value, idx: Value, axis: int, mode: str, size: int
                 ) -> Value:
    """take(a_i, idx_i, axis) for every example i, both batched at axis 0."""
    n = a.type.shape[axis + 1]
    out = b.op("take", _merge_batch_into(b, a, axis), _merged_indices(b, idx, n, size, mode),
               axis=axis, mode=mode)
    # (pre..., B, I..., post...): the batch axis back in front
    return b.op("transpose", out, axes=_move(out.type.ndim, axis, 0)) if axis else out


@rule("take")
def _take(b, node, args, batched, size):
    ndim = node.inputs[0].type.ndim
    axis = int(node.attrs["axis"]) % ndim
    if not batched[1]:
        return [b.op("take", args[0], args[1], **dict(node.attrs, axis=axis + 1))]
    if not batched[0]:  # shared data, per-example indices: one take, batch axis moved
        out = b.op("take", args[0], args[1], **dict(node.attrs, axis=axis))
        return [b.op("transpose", out, axes=_move(out.type.ndim, axis, 0)) if axis else out]
    return [batched_take(b, args[0], args[1], axis, node.attrs["mode"], size)]


@rule("_take_scatter")
def _take_scatter(b, node, args, batched, size):
    a = node.attrs
    shape = tuple(a["shape"])
    axis = int(a["axis"]) % len(shape)
    g, idx = args
    if not batched[1]:
        return [b.op("_take_scatter", g, idx, shape=(size,) + shape, axis=axis + 1,
                     mode=a["mode"])]
    g = g if batched[0] else batched_value(b, g, size)
    # g: (B, pre..., I..., post...) -> (pre..., B, I..., post...) to meet the merged indices
    if axis:
        g = b.op("transpose", g, axes=_move(g.type.ndim, 0, axis))
    n = shape[axis]
    merged = shape[:axis] + (size * n,) + shape[axis + 1:]
    out = b.op("_take_scatter", g, _merged_indices(b, idx, n, size, a["mode"]), shape=merged,
               axis=axis, mode=a["mode"])
    out = b.op("Reshape", out, shape=shape[:axis] + (size, n) + shape[axis + 1:])
    return [b.op("transpose", out, axes=_move(len(shape) + 1, axis, 0)) if axis else out]


@rule("Embedding")
def _embedding(b, node, args, batched, size):
    if not batched[1]:
        return [b.op("Embedding", *args, **node.attrs)]
    if not batched[0]:  # per-example tables, shared indices: rows of axis 1
        return [b.op("take", args[1], args[0], axis=1, mode="clip")]
    return [batched_take(b, args[1], args[0], 0, "clip", size)]


@rule("_pick_scatter")
def _pick_scatter(b, node, args, batched, size):
    a = node.attrs
    shape = tuple(a["shape"])
    g, idx = _all_batched(b, args, batched, size)
    return [b.op("_pick_scatter", g, idx, **dict(a, shape=(size,) + shape,
                                                   axis=_axis(a["axis"], len(shape))))]


@rule("one_hot")
def _one_hot(b, node, args, batched, size) -> List[Value]:
    return [b.op("one_hot", args[0], **node.attrs)]

"""Batching rules of the detection operators (tapegraph.ir.ops.detection / multibox). Their
kernels work on leading axes (box_nms, bipartite_matching: any; box_iou: the pairs of both
inputs) or on a batch axis of their own (box_encode, box_decode, MultiBoxTarget,
MultiBoxDetection): the vmap batch becomes one more leading axis, or merges into the
operator's batch axis, so one call serves every example.

MultiBoxTarget and MultiBoxDetection share one anchor set across their batch (MXNet
refuses per-sample anchors): with anchors batched per example there is no single call,
and the rule declines (the per-example path)."""
from __future__ import annotations

from typing import List, Optional

from ..ir import Builder, Value
from .vmap_index import _move
from .vmap_rules import _outs, _to_shape, batched_value, rule


def _merged(b: Builder, a: Value, v: Value, batched: bool, size: int) -> Value:
    """Operand `a` (of the unbatched (B, ...) value `v`) as (size*B, ...): example-major."""
    full = _to_shape(b, a, v, batched, size, v.type.shape)
    return b.op("Reshape", full, shape=(size * v.type.shape[0],) + v.type.shape[1:])


def _split(b: Builder, outs, node, size: int) -> List[Value]:
    return [b.op("Reshape", o, shape=(size,) + v.type.shape)
            for o, v in zip(_outs(outs), node.outputs)]


@rule("_contrib_box_nms")
def _box_nms(b, node, args, batched, size):
    """A leading axis more; the source rows (flat indices over every leading axis) are
    counted from each example's first row again."""
    out, source = b.op(node.op, args[0], **node.attrs)
    rows = 1
    for d in node.inputs[0].type.shape[:-1]:
        rows *= d
    kept = b.op("_greater_equal_scalar", source, scalar=0.0)
    own = b.op("where", kept, b.op("_mod_scalar", source, scalar=float(rows)), source)
    return [out, own]


@rule("_contrib_bipartite_matching")
def _matching(b, node, args, batched, size):
    return list(_outs(b.op(node.op, args[0], **node.attrs)))


@rule("_contrib_box_iou")
def _box_iou(b, node, args, batched, size):
    """lhs batched: one more leading axis of the result; rhs batched: the pairs' batch axis
    moved to the front; both: the diagonal of the pairs of every two examples."""
    lhs, rhs = args
    out = b.op(node.op, lhs, rhs, **node.attrs)
    if batched[0] and not batched[1]:
        return [out]
    left = node.inputs[0].type.ndim - 1  # the lhs axes of the result, batch excluded
    at = left + 1 if batched[0] else left  # where rhs's batch axis is in `out`
    out = b.op("transpose", out, axes=_move(out.type.ndim, at, 0))
    if not batched[0]:
        return [out]
    # (size, size, L..., R...) -> its diagonal (size, L..., R...)
    rest = out.type.shape[2:]
    flat = b.op("Reshape", out, shape=(size * size,) + rest)
    diag = b.op("_arange", start=0.0, stop=float(size * size), step=float(size + 1),
                dtype="int64")
    return [b.op("take", flat, diag, axis=0, mode="clip")]


@rule("_contrib_box_decode", "_contrib_box_encode")
def _boxes(b, node, args, batched, size):
    """Every input brought to its (B, ...) shape per example, the batch merged into B."""
    full = [v.type.shape for v in node.inputs]
    if node.op == "_contrib_box_encode":  # means and stds: as many as the anchors
        full[4] = full[5] = node.inputs[2].type.shape
    else:  # anchors: one per box of data
        full[1] = node.inputs[0].type.shape
    ins = []
    for a, v, f, shape in zip(args, node.inputs, batched, full):
        a = _to_shape(b, a, v, f, size, shape)
        ins.append(b.op("Reshape", a, shape=(size * shape[0],) + shape[1:]))
    return _split(b, b.op(node.op, *ins, **node.attrs), node, size)


@rule("_contrib_MultiBoxPrior")
def _prior(b, node, args, batched, size):
    """The anchors depend on the feature map's shape only: the same for every example."""
    shape = node.inputs[0].type.shape
    x = b.op("Reshape", args[0], shape=(size * shape[0],) + shape[1:])
    return [batched_value(b, b.op(node.op, x, **node.attrs), size)]


@rule("_contrib_MultiBoxTarget", "_contrib_MultiBoxDetection")
def _multibox(b, node, args, batched, size) -> Optional[List[Value]]:
    anchor = 2 if node.op == "_contrib_MultiBoxDetection" else 0
    if batched[anchor]:
        return None  # anchors of each example's own: one call per example
    ins = [a if i == anchor else _merged(b, a, v, f, size)
           for i, (a, v, f) in enumerate(zip(args, node.inputs, batched))]
    return _split(b, b.op(node.op, *ins, **node.attrs), node, size)

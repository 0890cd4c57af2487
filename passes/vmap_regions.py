"""Batching rules of the region operators (tapegraph.ir.ops.roi, dpsroi, deformable,
proposal). Each already has a batch axis of its own; the vmap batch merges into it, so one
call serves every example:

- region poolings (and their `_*_scatter` transposes): the images of all examples become
  one batch (S*N, ...) and each example's regions point at its own images (batch index
  + k*N; an index out of range stays out of range, a negative one stays negative, so the
  call fails or gives zeros exactly where each example's would); ROIPooling's hidden
  positions are counted from each example's first image again;
- the deformable convolutions: the examples side by side as channel groups (S*C channels,
  S*num_deformable_group offset groups, S*num_group filter groups), so per-example weights
  are one grouped call too;
- Proposal / MultiProposal: one MultiProposal over the S*N images, each output row's image
  index counted from its example's first image again."""
from __future__ import annotations

from typing import List

from ..ir import Builder, Value
from .vmap_rules import _outs, _to_shape, rule


def _full(b: Builder, a: Value, v: Value, batched: bool, size: int) -> Value:
    return _to_shape(b, a, v, batched, size, v.type.shape)


def _merged(b: Builder, a: Value, v: Value, batched: bool, size: int) -> Value:
    """Operand `a` (of the unbatched (B, ...) value `v`) as (size*B, ...): example-major."""
    return b.op("Reshape", _full(b, a, v, batched, size),
                shape=(size * v.type.shape[0],) + v.type.shape[1:])


def _example_index(b: Builder, size: int, shape, scale: float, dtype: str) -> Value:
    """k * scale for example k, broadcast to (size,) + shape."""
    k = b.op("_arange", start=0.0, stop=float(size), dtype=dtype)
    k = b.op("_mul_scalar", k, scalar=float(scale))
    k = b.op("Reshape", k, shape=(size,) + (1,) * len(shape))
    return b.op("broadcast_to", k, shape=(size,) + tuple(shape))


def _regions(b: Builder, a: Value, v: Value, batched: bool, size: int, n: int) -> Value:
    """The regions (R, W) of every example as (size*R, W), each example's batch indices
    moved to its images in the merged batch of size*n images."""
    full = _full(b, a, v, batched, size)
    r, width = v.type.shape
    first = b.op("slice", full, begin=(None, None, 0), end=(None, None, 1), step=())
    rest = b.op("slice", full, begin=(None, None, 1), end=(None, None, None), step=())
    # (int() truncates: -1 < index < n reads image int(index) of the example)
    inside = b.op("elemwise_mul", b.op("_greater_scalar", first, scalar=-1.0),
                  b.op("_lesser_scalar", first, scalar=float(n)))
    beyond = b.op("_greater_equal_scalar", first, scalar=float(n))
    shift = b.op("elemwise_mul", _example_index(b, size, (r, 1), n, v.type.dtype), inside)
    shift = b.op("elemwise_add", shift, b.op("_mul_scalar", beyond, scalar=float(size * n)))
    first = b.op("elemwise_add", first, shift)
    moved = b.op("Concat", first, rest, dim=2, num_args=2)
    return b.op("Reshape", moved, shape=(size * r, width))


def _split(b: Builder, out: Value, size: int, shape) -> Value:
    return b.op("Reshape", out, shape=(size,) + tuple(shape))


@rule("_contrib_ROIAlign", "_contrib_PSROIPooling", "_contrib_RROIAlign", "ROIPooling",
      "_contrib_DeformablePSROIPooling")
def _region_pooling(b, node, args, batched, size) -> List[Value]:
    data, rois = node.inputs[:2]
    n = data.type.shape[0]
    ins = [_merged(b, args[0], data, batched[0], size),
           _regions(b, args[1], rois, batched[1], size, n)]
    ins += [_merged(b, a, v, f, size) for a, v, f in zip(args[2:], node.inputs[2:],
                                                         batched[2:])]
    outs = _outs(b.op(node.op, *ins, **node.attrs))
    result = [_split(b, o, size, v.type.shape) for o, v in zip(outs, node.outputs)]
    if node.op == "ROIPooling":  # positions in the merged data -> in the example's
        per_example = 1
        for d in data.type.shape:
            per_example *= d
        arg = b.op("Cast", result[1], dtype="float64")
        shift = _example_index(b, size, node.outputs[1].type.shape, per_example, "float64")
        shift = b.op("elemwise_mul", shift, b.op("_greater_equal_scalar", arg, scalar=0.0))
        result[1] = b.op("Cast", b.op("elemwise_sub", arg, shift),
                         dtype=node.outputs[1].type.dtype)
    return result


@rule("_roi_align_scatter", "_psroi_pooling_scatter", "_rroi_align_scatter")
def _region_scatter(b, node, args, batched, size) -> List[Value]:
    g, rois = node.inputs
    shape = tuple(node.attrs["shape"])
    attrs = dict(node.attrs, shape=(size * shape[0],) + shape[1:])
    out = b.op(node.op, _merged(b, args[0], g, batched[0], size),
               _regions(b, args[1], rois, batched[1], size, shape[0]), **attrs)
    return [_split(b, out, size, shape)]


def _side_by_side(b: Builder, a: Value, v: Value, batched: bool, size: int) -> Value:
    """(N, X, ...) per example -> (N, size*X, ...): the examples as channel groups."""
    full = _full(b, a, v, batched, size)
    axes = (1, 0) + tuple(range(2, full.type.ndim))
    moved = b.op("transpose", full, axes=axes)
    shape = v.type.shape
    return b.op("Reshape", moved, shape=(shape[0], size * shape[1]) + shape[2:])


@rule("_contrib_DeformableConvolution", "_contrib_ModulatedDeformableConvolution")
def _deformable(b, node, args, batched, size) -> List[Value]:
    modulated = node.op == "_contrib_ModulatedDeformableConvolution"
    samples = 3 if modulated else 2  # data, offset (, mask): per image
    ins = [_side_by_side(b, a, v, f, size) for a, v, f in
           zip(args[:samples], node.inputs[:samples], batched[:samples])]
    ins += [_merged(b, a, v, f, size) for a, v, f in zip(args[samples:], node.inputs[samples:],
                                                         batched[samples:])]
    f = int(node.attrs["num_filter"])
    attrs = dict(node.attrs, num_filter=size * f, num_group=size * int(node.attrs["num_group"]),
                 num_deformable_group=size * int(node.attrs["num_deformable_group"]))
    out = b.op(node.op, *ins, **attrs)
    n, _, ho, wo = node.outputs[0].type.shape
    out = b.op("Reshape", out, shape=(n, size, f, ho, wo))
    return [b.op("transpose", out, axes=(1, 0, 2, 3, 4))]


@rule("_contrib_Proposal", "_contrib_MultiProposal")
def _proposal(b, node, args, batched, size) -> List[Value]:
    n = node.inputs[0].type.shape[0]
    ins = [_merged(b, a, v, f, size) for a, v, f in zip(args, node.inputs, batched)]
    outs = _outs(b.op("_contrib_MultiProposal", *ins, **node.attrs))
    result = [_split(b, o, size, v.type.shape) for o, v in zip(outs, node.outputs)]
    rows = node.outputs[0].type.shape[0]
    dtype = node.outputs[0].type.dtype
    shift = _example_index(b, size, (rows, 1), n, dtype)
    zeros = b.op("_full", shape=(size, rows, 4), dtype=dtype, value=0.0)
    shift = b.op("Concat", shift, zeros, dim=2, num_args=2)
    result[0] = b.op("elemwise_sub", result[0], shift)
    return result

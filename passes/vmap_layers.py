"""Batching rules of the layers (NCHW operators with per-channel or per-filter parameters)
and of the output (loss) layers.

Two ways to batch a layer, both one node:
- shared parameters: the batch axis merges into the samples axis, (B, N, ...) ->
  (B*N, ...), and splits after;
- per-example parameters (or per-example batch statistics, BatchNorm in training): the
  batch axis merges into the *channel* axis, (B, N, C, ...) -> (N, B*C, ...), with the
  parameters stacked to B*C channels. Channels never mix in these layers, so example i
  sees exactly its own channels; a convolution becomes a grouped convolution with B times
  the groups (per-example filters), a BatchNorm normalises each (example, channel) on
  its own statistics.
"""
from __future__ import annotations

from typing import List, Sequence

from ..ir import Builder, Value
from .vmap_rules import _all_batched, _outs, batched_value, elementwise, rule


def _move(ndim: int, src: int, dst: int) -> tuple:
    order = [a for a in range(ndim) if a != src]
    order.insert(dst, src)
    return tuple(order)


def merge_leading(b: Builder, node, args: List[Value], size: int) -> List[Value]:
    """The node applied with the batch merged into the samples axis (shared parameters)."""
    shape = node.inputs[0].type.shape
    x = b.op("Reshape", args[0], shape=(size * shape[0],) + shape[1:])
    outs = _outs(b.op(node.op, x, *args[1:], **node.attrs))
    return [b.op("Reshape", o, shape=(size,) + v.type.shape)
            for o, v in zip(outs, node.outputs)]


def fold_channels(b: Builder, x: Value, axis: int) -> Value:
    """(B, ..., C@axis+1, ...) -> (..., B*C@axis, ...): example-major channels."""
    shape = x.type.shape
    if axis:
        x = b.op("transpose", x, axes=_move(len(shape), 0, axis))
    inner = shape[1:]
    return b.op("Reshape", x, shape=inner[:axis] + (shape[0] * inner[axis],) + inner[axis + 1:])


def unfold_channels(b: Builder, y: Value, axis: int, size: int) -> Value:
    """The inverse of `fold_channels` for a result whose channels are example-major."""
    shape = y.type.shape
    y = b.op("Reshape", y, shape=shape[:axis] + (size, shape[axis] // size) + shape[axis + 1:])
    return b.op("transpose", y, axes=_move(len(shape) + 1, axis, 0)) if axis else y


def stacked(b: Builder, p: Value, batched: bool, size: int, length: int = 0) -> Value:
    """A parameter (its own shape, or (B,) + it when batched) as one flat vector of the B
    examples' values, example-major; `length`: the per-example length to broadcast to."""
    if not batched:
        p = batched_value(b, p, size)
    if length and p.type.shape[1:] != (length,):
        p = b.op("broadcast_to", b.op("Reshape", p, shape=(size, 1)), shape=(size, length))
    return b.op("Reshape", p, shape=(p.type.size,))


def _folded(b, node, args, batched, size, axis: int, attrs, length: int = 0) -> List[Value]:
    x = fold_channels(b, args[0] if batched[0] else batched_value(b, args[0], size), axis)
    params = [stacked(b, p, f, size, length) for p, f in zip(args[1:], batched[1:])]
    y = b.op(node.op, x, *params, **attrs)
    return [unfold_channels(b, y, axis, size)]


@rule("BatchNorm")
def _batch_norm(b, node, args, batched, size):
    a = node.attrs
    ndim = node.inputs[0].type.ndim
    if not any(batched[1:]) and not a["training"] and ndim > 1:
        return merge_leading(b, node, args, size)
    # per-example parameters or batch statistics: each example its own channels
    return _folded(b, node, args, batched, size, int(a["axis"]) % ndim, dict(a, axis=int(
        a["axis"]) % ndim))


@rule("InstanceNorm")
def _instance_norm(b, node, args, batched, size):
    if not any(batched[1:]):
        return merge_leading(b, node, args, size)
    return _folded(b, node, args, batched, size, 1, node.attrs)


@rule("GroupNorm")
def _group_norm(b, node, args, batched, size):
    if not any(batched[1:]):
        return merge_leading(b, node, args, size)
    groups = int(node.attrs["num_groups"])  # gamma and beta hold one value per group
    return _folded(b, node, args, batched, size, 1, dict(node.attrs, num_groups=groups * size))


@rule("LayerNorm")
def _layer_norm(b, node, args, batched, size):
    a = node.attrs
    ndim = node.inputs[0].type.ndim
    axis = int(a["axis"]) % ndim
    x = args[0] if batched[0] else batched_value(b, args[0], size)
    if not any(batched[1:]):
        return [b.op("LayerNorm", x, *args[1:], **dict(a, axis=axis + 1))]
    # per-example scale and shift: normalise with 1 and 0, then apply them per example
    d = node.inputs[1].type.shape
    ones = b.op("_full", shape=d, value=1.0, dtype=x.type.dtype)
    zeros = b.op("_full", shape=d, value=0.0, dtype=x.type.dtype)
    y = b.op("LayerNorm", x, ones, zeros, **dict(a, axis=axis + 1))
    out = (size,) + node.outputs[0].type.shape
    keep = tuple(out[i] if i in (0, axis + 1) else 1 for i in range(len(out)))

    def spread(p, f):
        p = p if f else batched_value(b, p, size)
        return b.op("broadcast_to", b.op("Reshape", p, shape=keep), shape=out)
    y = b.op("elemwise_mul", y, spread(args[1], batched[1]))
    return [b.op("elemwise_add", y, spread(args[2], batched[2]))]


@rule("LeakyReLU")
def _leaky(b, node, args, batched, size):
    if len(args) == 1:
        return elementwise(b, node, args, batched, size)
    shape = node.inputs[0].type.shape
    gamma = node.inputs[1].type.shape
    if not batched[1]:
        if gamma == (1,) or len(shape) < 2:  # one slope for everything
            x = args[0]
            return [b.op("LeakyReLU", x, args[1], **node.attrs)]
        return merge_leading(b, node, args, size)
    # per-example slopes: the batch becomes the channels
    x = args[0] if batched[0] else batched_value(b, args[0], size)
    if len(shape) < 2:  # (B, ...) seen as (1, B, ...): channel axis 1 holds the batch
        y = b.op("LeakyReLU", b.op("Reshape", x, shape=(1,) + x.type.shape),
                 b.op("Reshape", args[1], shape=(size,)), **node.attrs)
        return [b.op("Reshape", y, shape=x.type.shape)]
    return _folded(b, node, [x, args[1]], [True, True], size, 1, node.attrs, length=shape[1])


@rule("L2Normalization", "Pooling", "UpSampling", "Pad", "_im2col")
def _samples(b, node, args, batched, size):
    """Operators whose first axis holds independent samples and that have no parameters."""
    return merge_leading(b, node, args, size)


@rule("_col2im")
def _col2im(b, node, args, batched, size):
    shape = tuple(node.attrs["shape"])
    cols = node.inputs[0].type.shape
    x = b.op("Reshape", args[0], shape=(size * cols[0],) + cols[1:])
    y = b.op("_col2im", x, **dict(node.attrs, shape=(size * shape[0],) + shape[1:]))
    return [b.op("Reshape", y, shape=(size,) + shape)]


@rule("Convolution", "Deconvolution")
def _convolution(b, node, args, batched, size):
    if not any(batched[1:]):
        return merge_leading(b, node, args, size)
    # per-example filters: a grouped convolution with B times the groups
    a = dict(node.attrs)
    a["num_group"] = int(a["num_group"]) * size
    a["num_filter"] = int(a["num_filter"]) * size
    x = fold_channels(b, args[0] if batched[0] else batched_value(b, args[0], size), 1)
    w = args[1] if batched[1] else batched_value(b, args[1], size)
    ws = w.type.shape
    params = [b.op("Reshape", w, shape=(ws[0] * ws[1],) + ws[2:])]
    params += [stacked(b, p, f, size) for p, f in zip(args[2:], batched[2:])]
    return [unfold_channels(b, b.op(node.op, x, *params, **a), 1, size)]


@rule("_conv_weight_grad")
def _conv_weight_grad(b, node, args, batched, size):
    """Per-example images and cotangents: one weight gradient with B times the groups over
    the channels folded example-major, (B*F, C/G, *kernel) -> (B, F, C/G, *kernel)."""
    x, cot = (fold_channels(b, a if f else batched_value(b, a, size), 1)
              for a, f in zip(args, batched))
    a = dict(node.attrs, num_group=int(node.attrs["num_group"]) * size)
    y = b.op("_conv_weight_grad", x, cot, **a)
    return [b.op("Reshape", y, shape=(size,) + node.outputs[0].type.shape)]


@rule("_pool_max_scatter", "_pool_max_gather", "_pool_scatter")
def _pool_gradients(b, node, args, batched, size):
    """The pooling gradients: every input has the samples axis first, so the batch merges
    into it in each, (B, N, ...) -> (B*N, ...) (and in `shape`)."""
    merged = [b.op("Reshape", a, shape=(size * v.type.shape[0],) + v.type.shape[1:])
              for a, v in zip(_all_batched(b, args, batched, size), node.inputs)]
    attrs = dict(node.attrs)
    if "shape" in attrs:
        attrs["shape"] = (size * int(attrs["shape"][0]),) + tuple(attrs["shape"][1:])
    y = b.op(node.op, *merged, **attrs)
    return [b.op("Reshape", y, shape=(size,) + node.outputs[0].type.shape)]


# ---------------------------------------------------------------- output layers


@rule("SoftmaxOutput")
def _softmax_output(b, node, args, batched, size):
    """softmax over the last axis, so the batched data is a valid input as it is; the
    loss gradient divides by the number of labels ("batch"), or of valid labels
    ("valid"): grad_scale times B restores each example's count. With ignored labels
    counted per example ("valid", use_ignore, per-example labels) the counts differ
    between examples and no single node has that gradient: that case is run per
    example."""
    a = node.attrs
    if a["normalization"] == "valid" and a["use_ignore"] and batched[1]:
        return None
    data, label = _all_batched(b, args, batched, size)
    scale = float(a["grad_scale"]) * (size if a["normalization"] != "null" else 1)
    return [b.op("SoftmaxOutput", data, label, **dict(a, grad_scale=scale))]


@rule("LinearRegressionOutput", "LogisticRegressionOutput", "MAERegressionOutput")
def _regression_output(b, node, args, batched, size):
    """The loss gradient divides by the features per sample (all but the first axis):
    merging the batch into the first axis keeps that count."""
    shape = node.inputs[0].type.shape
    data, label = _all_batched(b, args, batched, size)
    merged: Sequence[int] = (size * shape[0],) + shape[1:] if shape else (size,)
    data = b.op("Reshape", data, shape=tuple(merged))
    label = b.op("Reshape", label, shape=tuple(merged))
    y = b.op(node.op, data, label, **node.attrs)
    return [b.op("Reshape", y, shape=(size,) + shape)]


@rule("make_loss", "MakeLoss")
def _make_loss(b, node, args, batched, size):
    """The identity forward; the gradient ignores the head gradient. Normalised by the
    batch size ("batch"), the first axis merges with the vmapped one and grad_scale
    times B restores each example's divisor; normalised by the count of elements above
    a threshold ("valid") the counts differ between examples and no single node has
    that gradient: that case is run per example."""
    a = node.attrs
    if a.get("normalization") == "valid":
        return None
    (data,) = _all_batched(b, args, batched, size)
    if a.get("normalization") != "batch":
        return [b.op(node.op, data, **a)]
    shape = node.inputs[0].type.shape
    merged: Sequence[int] = (size * shape[0],) + shape[1:] if shape else (size,)
    y = b.op(node.op, b.op("Reshape", data, shape=tuple(merged)),
             **dict(a, grad_scale=float(a["grad_scale"]) * size))
    return [b.op("Reshape", y, shape=(size,) + shape)]


@rule("SVMOutput", "batch_take", "fill_element_0index")
def _rows(b, node, args, batched, size):
    """Row-wise operators (each row of the (N, ...) inputs independent of the others, the
    SVM gradient included: it is not normalised): the batch merges into the rows."""
    ins = []
    for v, a in zip(node.inputs, _all_batched(b, args, batched, size)):
        shape = v.type.shape
        ins.append(b.op("Reshape", a, shape=(size * shape[0],) + shape[1:]))
    y = b.op(node.op, *ins, **node.attrs)
    return [b.op("Reshape", y, shape=(size,) + node.outputs[0].type.shape)]

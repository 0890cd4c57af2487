"""Export lowerings for the adjoints tapegraph's gradient rules emit that MXNet does not
have as forward operators: `_pick_scatter`, `_take_scatter` (via `one_hot` and `dot`)
and the im2col pair (`im2col` / `col2im`; the `fill="min"` columns of max pooling by a
shift that keeps padding below every value)."""
from __future__ import annotations

from typing import Dict, List

import numpy as np

from ...ir import Node
from .json_writer import ExportError, JsonWriter, tg_keys, lowering
from ..graph.mxjson import attr_text

Entry = List[int]


def _op(w: JsonWriter, name: str, kind: str, inputs: List[Entry], **attrs) -> Entry:
    text: Dict[str, str] = {k: v if isinstance(v, str) else attr_text(v)
                            for k, v in attrs.items()}
    return w.emit(kind, w.helper_name("%s_%s" % (name, kind.strip("_"))), inputs, text)[0]


def _clipped(w: JsonWriter, name: str, idx: Entry, depth: int, mode: str) -> Entry:
    if mode == "wrap":
        raise ExportError("node %s: index mode 'wrap' has no MXNet one_hot lowering" % name)
    return _op(w, name, "clip", [idx], a_min=0.0, a_max=float(depth - 1))


@lowering("_pick_scatter")
def _export_pick_scatter(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    shape = tuple(a["shape"])
    axis = int(a["axis"]) % len(shape)
    dtype = node.outputs[0].type.dtype
    reduced = shape[:axis] + shape[axis + 1:]
    idx = _op(w, name, "Reshape", [ins[1]], shape=reduced or (1,))
    hot = _op(w, name, "one_hot", [_clipped(w, name, idx, shape[axis], a["mode"])],
              depth=shape[axis], dtype=dtype)
    if axis != len(shape) - 1:
        axes = tuple(range(axis)) + (len(shape) - 1,) + tuple(range(axis, len(shape) - 1))
        hot = _op(w, name, "transpose", [hot], axes=axes)
    g = _op(w, name, "Reshape", [ins[0]], shape=shape[:axis] + (1,) + shape[axis + 1:])
    return w.emit("broadcast_mul", name, [hot, g], tg_keys(node, ins))


@lowering("_take_scatter")
def _export_take_scatter(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    shape = tuple(a["shape"])
    axis = int(a["axis"]) % len(shape)
    dtype = node.outputs[0].type.dtype
    k = int(np.prod(node.inputs[1].type.shape))
    pre, post = int(np.prod(shape[:axis])), int(np.prod(shape[axis + 1:]))
    idx = _op(w, name, "Reshape", [ins[1]], shape=(k,))
    hot = _op(w, name, "one_hot", [_clipped(w, name, idx, shape[axis], a["mode"])],
              depth=shape[axis], dtype=dtype)
    g = _op(w, name, "Reshape", [ins[0]], shape=(pre, k, post))
    g = _op(w, name, "Reshape", [_op(w, name, "transpose", [g], axes=(1, 0, 2))],
            shape=(k, pre * post))
    out = _op(w, name, "dot", [hot, g], transpose_a=True)
    out = _op(w, name, "transpose", [_op(w, name, "Reshape", [out], shape=(shape[axis], pre,
                                                                          post))],
              axes=(1, 0, 2))
    return w.emit("Reshape", name, [out], dict(tg_keys(node, ins), shape=attr_text(shape)))


def _window(a) -> Dict[str, str]:
    return {k: attr_text(tuple(a[k])) for k in ("kernel", "stride", "dilate", "pad") if a[k]}


def im2col_min_filled(w: JsonWriter, name: str, x: Entry, attrs: Dict[str, str]) -> Entry:
    """MXNet im2col columns of `x` whose padding is below every value (max pooling's):
    shift the data so its minimum is 1, pad with 0, shift back."""
    low = _op(w, name, "_minus_scalar", [_op(w, name, "min", [x], keepdims=True)],
              scalar=1.0)
    shifted = _op(w, name, "broadcast_sub", [x, low])
    cols = _op(w, name, "im2col", [shifted], **attrs)
    low3 = _op(w, name, "Reshape", [low], shape=(1, 1, 1))  # MXNet broadcasts equal ranks
    return _op(w, name, "broadcast_add", [cols, low3])


@lowering("_im2col")
def _export_im2col(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    attrs = _window(a)
    if a["fill"] == "zero" or not any(a["pad"]):
        attrs.update(tg_keys(node))
        return w.emit("im2col", name, ins, attrs)
    # Padding must lose every max: shift the data so its minimum is 1, pad with 0.
    low = _op(w, name, "_minus_scalar", [_op(w, name, "min", [ins[0]], keepdims=True)],
              scalar=1.0)
    shifted = _op(w, name, "broadcast_sub", [ins[0], low])
    cols = _op(w, name, "im2col", [shifted], **attrs)
    low3 = _op(w, name, "Reshape", [low], shape=(1, 1, 1))  # MXNet broadcasts equal ranks
    return w.emit("broadcast_add", name, [cols, low3], tg_keys(node, ins))


@lowering("_col2im")
def _export_col2im(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    attrs = _window(a)
    attrs["output_size"] = attr_text(tuple(a["shape"][2:]))
    attrs.update(tg_keys(node))
    return w.emit("col2im", name, ins, attrs)


def _along_axis_indices(w: JsonWriter, name: str, node_idx, idx: Entry, axis: int) -> Entry:
    """gather_nd indices (ndim, *idx.shape): `idx` on `axis`, a broadcast arange on the
    other axes (MXNet has no take_along_axis)."""
    shape = tuple(node_idx.type.shape)
    rows = []
    for d, size in enumerate(shape):
        if d == axis:
            rows.append(_op(w, name, "Cast", [idx], dtype="float32"))
            continue
        line = _op(w, name, "_arange", [], start=0.0, stop=float(size), dtype="float32")
        keep = tuple(size if k == d else 1 for k in range(len(shape)))
        line = _op(w, name, "Reshape", [line], shape=keep)
        rows.append(_op(w, name, "broadcast_to", [line], shape=shape))
    return _op(w, name, "stack", rows, axis=0, num_args=len(rows))


@lowering("_take_along_axis")
def _export_take_along(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    axis = int(node.attrs["axis"]) % len(node.inputs[0].type.shape)
    indices = _along_axis_indices(w, name, node.inputs[1], ins[1], axis)
    return w.emit("gather_nd", name, [ins[0], indices], tg_keys(node, ins))


@lowering("_put_along_axis")
def _export_put_along(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    shape = tuple(node.attrs["shape"])
    axis = int(node.attrs["axis"]) % len(shape)
    indices = _along_axis_indices(w, name, node.inputs[1], ins[1], axis)
    # the adjoint of gather_nd: repeated indices add up, as in the IR operator
    attrs = dict(tg_keys(node, ins), shape=attr_text(shape))
    return w.emit("_backward_gather_nd", name, [ins[0], indices], attrs)


@lowering("ones_like", "zeros_like")
def _export_fill_like(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    # A constant of the (static) shape: MXNet would otherwise still run the producer of
    # the input for nothing, and some operators refuse an output nobody reads.
    t = node.outputs[0].type
    if not t.shape:  # MXNet's legacy shapes cannot say "0-d": keep the *_like operator
        return w.emit(node.op, name, ins, {})
    attrs = dict(tg_keys(node, ins), shape=attr_text(tuple(t.shape)), dtype=t.dtype)
    return w.emit("_ones" if node.op == "ones_like" else "_zeros", name, [], attrs)


@lowering("Pad")
def _export_pad(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    shape = list(node.inputs[0].type.shape)
    widths = [tuple(a["pad_width"][2 * d:2 * d + 2]) for d in range(len(shape))]
    attrs = {"mode": a["mode"], "pad_width": attr_text(tuple(a["pad_width"])),
             "constant_value": attr_text(float(a["constant_value"]))}
    if len(shape) in (4, 5) and not any(widths[0] + widths[1]):
        return w.emit("Pad", name, ins, attrs)  # what MXNet's Pad supports
    if a["mode"] != "constant":
        raise ExportError("node %s: MXNet's Pad pads only the spatial axes of 4-D/5-D data "
                          "and mode %r has no other lowering" % (name, a["mode"]))
    # Constant padding anywhere: concatenate constant blocks along each padded axis.
    dtype = node.outputs[0].type.dtype
    out = ins[0]
    padded = [d for d, pair in enumerate(widths) if any(pair)]
    for d in padded:
        parts = []
        for k, width in enumerate(widths[d]):
            if width:
                block = tuple(width if i == d else s for i, s in enumerate(shape))
                parts.append(_op(w, name, "_full", [], shape=block, dtype=dtype,
                                 value=float(a["constant_value"])))
            if k == 0:
                parts.append(out)
        shape[d] += sum(widths[d])
        last = d == padded[-1]
        concat_attrs = {"dim": attr_text(d), "num_args": attr_text(len(parts))}
        if last:
            concat_attrs.update(tg_keys(node, ins))
            return w.emit("Concat", name, parts, concat_attrs)
        out = _op(w, name, "Concat", parts, dim=d, num_args=len(parts))
    return w.emit("_copy", name, [out], tg_keys(node, ins))  # nothing to pad


@lowering("_sequence_last_scatter")
def _export_sequence_last_scatter(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    """SequenceLast's adjoint: a one-hot of each sequence's last step (over time, from the
    lengths, or the last step without them) times the cotangent."""
    a = node.attrs
    shape = tuple(a["shape"])
    axis = int(a["axis"])
    steps, batch = shape[axis], shape[1 - axis]
    dtype = node.outputs[0].type.dtype
    if a["use_sequence_length"]:
        lengths = _op(w, name, "Reshape", [ins[1]], shape=(batch,))
        last = _op(w, name, "_minus_scalar", [lengths], scalar=1.0)
    else:
        last = _op(w, name, "_full", [], shape=(batch,), value=float(steps - 1))
    hot = _op(w, name, "one_hot", [_clipped(w, name, last, steps, "clip")], depth=steps,
              dtype=dtype)  # (batch, steps)
    if axis == 0:
        hot = _op(w, name, "transpose", [hot], axes=(1, 0))
    hot = _op(w, name, "Reshape", [hot], shape=_hot_shape(shape))
    g = _op(w, name, "Reshape", [ins[0]], shape=shape[:axis] + (1,) + shape[axis + 1:])
    return w.emit("broadcast_mul", name, [hot, g], tg_keys(node, ins))


def _hot_shape(shape):
    """The one-hot's (steps, batch) or (batch, steps) axes, then 1 per feature axis."""
    return tuple(shape[:2]) + (1,) * (len(shape) - 2)

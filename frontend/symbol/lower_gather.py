"""Export lowerings for the adjoints tapegraph's gradient rules emit that MXNet does not
have as forward operators: `_pick_scatter`, `_take_scatter` (via `one_hot` and `dot`)
and the im2col pair (`im2col` / `col2im`; the `fill="min"` columns of max pooling by a
shift that keeps padding below every value)."""
from __future__ import annotations

from typing import Dict, List

import numpy as np

from ..ir import Node
from .json_export import ExportError, JsonWriter, _tg_keys, lowering
from .mxjson import attr_text

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
    return w.emit("broadcast_mul", name, [hot, g], _tg_keys(node, ins))


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
    return w.emit("Reshape", name, [out], dict(_tg_keys(node, ins), shape=attr_text(shape)))


def _window(a) -> Dict[str, str]:
    return {k: attr_text(tuple(a[k])) for k in ("kernel", "stride", "dilate", "pad") if a[k]}


@lowering("_im2col")
def _export_im2col(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    attrs = _window(a)
    if a["fill"] == "zero" or not any(a["pad"]):
        attrs.update(_tg_keys(node))
        return w.emit("im2col", name, ins, attrs)
    # Padding must lose every max: shift the data so its minimum is 1, pad with 0.
    low = _op(w, name, "_minus_scalar", [_op(w, name, "min", [ins[0]], keepdims=True)],
              scalar=1.0)
    shifted = _op(w, name, "broadcast_sub", [ins[0], low])
    cols = _op(w, name, "im2col", [shifted], **attrs)
    low3 = _op(w, name, "Reshape", [low], shape=(1, 1, 1))  # MXNet broadcasts equal ranks
    return w.emit("broadcast_add", name, [cols, low3], _tg_keys(node, ins))


@lowering("_col2im")
def _export_col2im(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    attrs = _window(a)
    attrs["output_size"] = attr_text(tuple(a["shape"][2:]))
    attrs.update(_tg_keys(node))
    return w.emit("col2im", name, ins, attrs)

"""Export lowerings for the window operators tapegraph's convolution and pooling gradients
emit and MXNet lacks as forward operators, written with MXNet's `im2col` / `col2im`:

- `_conv_weight_grad`: `batch_dot` of the cotangent with the columns, summed over the batch;
- `_pool_max_scatter` / `_pool_max_gather`: the first maximum of each window as a
  `one_hot` of `argmax` over the columns, then `col2im` of the routed cotangent / the sum
  of the masked columns;
- `_pool_scatter`: the cotangent (divided by the window counts for 'avg') spread over
  the window's columns and added back with `col2im`.

'full'-convention windows that run past the padding have no im2col form: those gradient
graphs are refused (the forward Pooling exports as is), and so are 3-D windows: MXNet 1.9.1's
im2col / col2im take 2-D windows only (1-D ones are lifted to 1 x W)."""
from __future__ import annotations

from typing import Dict, List, Tuple

import numpy as np

from ...ir import Node
from ...ir.ops.pooling import geometry
from ..graph.mxjson import attr_text
from .json_writer import ExportError, JsonWriter, lowering, tg_keys
from .lower_gather import _op, im2col_min_filled

Entry = List[int]


def _planar(name: str, node: Node, spatial, **window) -> Tuple[Dict[str, str], tuple]:
    """MXNet im2col attributes of a window over `spatial`, 1-D lifted to 2-D, and the
    image's spatial shape as im2col sees it."""
    if len(spatial) == 3:
        raise ExportError("node %s (%s): MXNet 1.9.1's im2col/col2im take 2-D windows only, "
                          "this one is 3-D" % (name, node.op))
    lift = len(spatial) == 1
    attrs = {}
    for key, value in window.items():
        value = tuple(int(v) for v in value)
        if value:
            attrs[key] = attr_text(((0 if key == "pad" else 1),) + value if lift else value)
    return attrs, ((1,) + tuple(spatial) if lift else tuple(spatial))


@lowering("_conv_weight_grad")
def _export_conv_weight_grad(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    n, c = node.inputs[0].type.shape[:2]
    f, groups = node.inputs[1].type.shape[1], int(a["num_group"])
    npix = int(np.prod(node.inputs[1].type.shape[2:]))
    spatial = node.inputs[0].type.shape[2:]
    attrs, image = _planar(name, node, spatial, kernel=a["kernel"], stride=a["stride"],
                           dilate=a["dilate"], pad=a["pad"])
    data = _op(w, name, "Reshape", [ins[0]], shape=(n, c) + image)
    cols = _op(w, name, "im2col", [data], **attrs)
    cols = _op(w, name, "Reshape", [cols], shape=(n * groups, -1, npix))
    cot = _op(w, name, "Reshape", [ins[1]], shape=(n * groups, f // groups, npix))
    dw = _op(w, name, "batch_dot", [cot, cols], transpose_b=True)
    dw = _op(w, name, "sum", [_op(w, name, "Reshape", [dw], shape=(n, f, -1))], axis=0)
    attrs = dict(tg_keys(node, ins), shape=attr_text(tuple(node.outputs[0].type.shape)))
    return w.emit("Reshape", name, [dw], attrs)


def _pool_columns(node: Node, name: str, shape) -> Tuple[Dict[str, str], tuple, int, int]:
    """im2col attributes of a pooling node's windows over an image of `shape`, the image's
    spatial shape as im2col sees it, the window size and the number of windows."""
    kernel, stride, lo, hi, out = geometry(shape, node.attrs, node.op)
    if lo != hi:
        raise ExportError("node %s (%s): 'full'-convention windows past the padding have no "
                          "MXNet im2col form" % (name, node.op))
    attrs, image = _planar(name, node, shape[2:], kernel=kernel, stride=stride, pad=lo)
    return attrs, image, int(np.prod(kernel)), int(np.prod(out))


def _per_channel(w: JsonWriter, name: str, x: Entry, shape, image) -> Entry:
    return _op(w, name, "Reshape", [x], shape=(shape[0] * shape[1], 1) + image)


def _first_max_hot(w: JsonWriter, node: Node, name: str, x: Entry, dtype: str):
    """(one-hot (N*C, K, P) of each window's first maximum, im2col attributes, K, P)."""
    shape = node.inputs[0].type.shape
    attrs, image, k, npix = _pool_columns(node, name, shape)
    cols = im2col_min_filled(w, name, _per_channel(w, name, x, shape, image), attrs)
    hot = _op(w, name, "one_hot", [_op(w, name, "argmax", [cols], axis=1)], depth=k,
              dtype=dtype)
    return _op(w, name, "transpose", [hot], axes=(0, 2, 1)), attrs, image, npix


@lowering("_pool_max_scatter")
def _export_pool_max_scatter(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    shape = tuple(node.inputs[0].type.shape)
    dtype = node.outputs[0].type.dtype
    hot, attrs, image, npix = _first_max_hot(w, node, name, ins[0], dtype)
    g = _op(w, name, "Reshape", [ins[1]], shape=(shape[0] * shape[1], 1, npix))
    share = _op(w, name, "broadcast_mul", [hot, g])
    out = _op(w, name, "col2im", [share], output_size=image, **attrs)
    return w.emit("Reshape", name, [out], dict(tg_keys(node, ins), shape=attr_text(shape)))


@lowering("_pool_max_gather")
def _export_pool_max_gather(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    shape = tuple(node.inputs[0].type.shape)
    dtype = node.outputs[0].type.dtype
    hot, attrs, image, _ = _first_max_hot(w, node, name, ins[0], dtype)
    cols = _op(w, name, "im2col", [_per_channel(w, name, ins[1], shape, image)], **attrs)
    picked = _op(w, name, "sum", [_op(w, name, "elemwise_mul", [hot, cols])], axis=1)
    out = attr_text(tuple(node.outputs[0].type.shape))
    return w.emit("Reshape", name, [picked], dict(tg_keys(node, ins), shape=out))


@lowering("_pool_scatter")
def _export_pool_scatter(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    shape = tuple(int(s) for s in a["shape"])
    attrs, image, k, npix = _pool_columns(node, name, shape)
    g = _op(w, name, "Reshape", [ins[0]], shape=(shape[0] * shape[1], 1, npix))
    share = _op(w, name, "broadcast_to", [g], shape=(shape[0] * shape[1], k, npix))
    if a["pool_type"] == "avg":
        if a["count_include_pad"] is not False or not any(a["pad"]):
            share = _op(w, name, "_div_scalar", [share], scalar=float(k))
        else:  # each window counts the image elements it covers
            ones = _op(w, name, "_ones", [], shape=(1, 1) + image,
                       dtype=node.outputs[0].type.dtype)
            count = _op(w, name, "sum", [_op(w, name, "im2col", [ones], **attrs)], axis=1,
                        keepdims=True)
            share = _op(w, name, "broadcast_div", [share, count])
    out = _op(w, name, "col2im", [share], output_size=image, **attrs)
    return w.emit("Reshape", name, [out], dict(tg_keys(node, ins), shape=attr_text(shape)))

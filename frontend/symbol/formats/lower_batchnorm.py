"""Export of BatchNorm. With moving statistics it is MXNet's `BatchNorm`; with batch
statistics (recorded in training mode) it is written as the arithmetic it performs,
because MXNet's `Symbol.eval` runs BatchNorm in inference mode."""
from __future__ import annotations

from typing import Dict, List

from ...ir import Node
from ...ir.ops.nn import bn_uses_batch_stats
from ..graph.mxjson import attr_text
from .json_writer import tg_keys

_MXNET_BN_ATTRS = ("eps", "momentum", "fix_gamma", "use_global_stats", "axis",
                   "output_mean_var", "cudnn_off")


def export_batchnorm(w, node: Node, name: str, ins: List[List[int]]) -> List[List[int]]:
    a = node.attrs
    if not bn_uses_batch_stats(a):
        attrs: Dict[str, str] = {k: attr_text(a[k]) for k in _MXNET_BN_ATTRS}
        if a["training"]:
            attrs.update(tg_keys(node))
        return w.emit("BatchNorm", name, ins, attrs, 3)[:1]
    shape = node.inputs[0].type.shape
    axis = int(a["axis"]) % len(shape)
    red = attr_text(tuple(i for i in range(len(shape)) if i != axis))
    keep = attr_text(tuple(s if i == axis else 1 for i, s in enumerate(shape)))

    def op(kind: str, inputs, **attrs):
        return w.emit(kind, w.helper_name("%s_%s" % (name, kind.strip("_"))), inputs,
                      {k: attr_text(v) if not isinstance(v, str) else v
                       for k, v in attrs.items()})[0]

    x, gamma, beta = ins[0], ins[1], ins[2]
    mean = op("mean", [x], axis=red, keepdims=True)
    centered = op("broadcast_sub", [x, mean])
    var = op("mean", [op("square", [centered])], axis=red, keepdims=True)
    inv = op("rsqrt", [op("_plus_scalar", [var], scalar=float(a["eps"]))])
    out = op("broadcast_mul", [centered, inv])
    if not a["fix_gamma"]:
        out = op("broadcast_mul", [out, op("Reshape", [gamma], shape=keep)])
    attrs = tg_keys(node, ins)
    return w.emit("broadcast_add", name, [out, op("Reshape", [beta], shape=keep)], attrs)

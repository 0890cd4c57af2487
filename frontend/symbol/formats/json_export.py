"""Export a Graph to MXNet 1.9.1 symbol JSON that Apache MXNet loads and evaluates.

Every IR operator is written as registered MXNet operators: most map one to one (the
OpDef's `mxnet` / `mxnet_np` name); the few MXNet lacks are lowered by the table
`LOWERINGS` (e.g. `_slice_scatter` becomes `_slice_assign` on `_zeros`). When a lowering
loses IR information, the main MXNet node carries hidden `__tg_*__` keys (MXNet accepts
`__name__` keys on any node) from which `load_json` rebuilds the exact IR node:

- `__tg_op__`: the IR operator; `__tg_attrs__`: its attributes in IR text syntax;
- `__tg_args__`: the IR inputs as `[[node, output], ...]` when they are not the node's
  own inputs; `__tg_vjp_of__`: for backward nodes, the name of their forward node.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

from ...ir import Graph, MXNetError, Node, Value
from ..graph.mxnet_ops import BINARY, LEGACY_TOTALS, NP_BINARY
from ..graph.mxjson import attr_text, dumps
from ..graph.naming import NodeNames
from . import lower_gather, lower_window  # noqa: F401  (register their lowerings in LOWERINGS)
from .json_writer import (LOWERINGS, NP_CANONICAL, Entry, ExportError, JsonWriter, lowering,
                          mxnet_name, _plain_attrs, tg_keys)
from .lower_batchnorm import export_batchnorm

@lowering("_slice_scatter")
def _export_slice_scatter(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    a = node.attrs
    dtype = node.outputs[0].type.dtype
    zeros = w.emit("_zeros", w.helper_name(name + "_zeros"),
                   [], {"shape": attr_text(tuple(a["shape"])), "dtype": dtype})
    attrs = {"begin": attr_text(tuple(a["begin"])), "end": attr_text(tuple(a["end"])),
             "step": attr_text(tuple(a["step"]))}
    attrs.update(tg_keys(node, ins))
    return w.emit("_slice_assign", name, [zeros[0], ins[0]], attrs)


@lowering("broadcast_to")
def _export_broadcast_to(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    src, shape = node.inputs[0].type.shape, tuple(node.attrs["shape"])
    attrs = {"shape": attr_text(shape)}
    if len(src) == len(shape):
        return w.emit("broadcast_to", name, ins, attrs)
    lifted = (1,) * (len(shape) - len(src)) + tuple(src)
    reshaped = w.emit("Reshape", w.helper_name(name + "_reshape"), ins,
                      {"shape": attr_text(lifted)})
    attrs.update(tg_keys(node, ins))
    return w.emit("broadcast_to", name, reshaped, attrs)


@lowering("_full")
def _export_full(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    # MXNet writes mx.sym.zeros / ones as `_zeros` / `_ones`, and every filled array with
    # its dtype. A size 0 means "unknown" to MXNet's legacy operators (see
    # symbol.graph.unknown_dims): an empty array keeps its IR node in the hidden keys.
    a = node.attrs
    if w.np_mode:
        return w.emit(mxnet_name(node, True), name, ins, _plain_attrs(node))
    if 0 in tuple(a["shape"]):
        attrs = _plain_attrs(node)
        attrs.update(tg_keys(node))
        return w.emit("_full", name, ins, attrs)
    value = float(a["value"])
    attrs = {"dtype": str(a["dtype"]), "shape": attr_text(tuple(a["shape"]))}
    if value in (0.0, 1.0) and math.copysign(1.0, value) > 0:
        return w.emit("_zeros" if value == 0.0 else "_ones", name, ins, attrs)
    attrs["value"] = attr_text(a["value"])
    return w.emit("_full", name, ins, attrs)


@lowering("Dropout")
def _export_dropout(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    # The mask is an explicit input (drawn while recording), so the op is x * mask.
    return w.emit("elemwise_mul", name, ins, tg_keys(node))


@lowering("_backward_sign")
def _export_backward_sign(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    return w.emit("zeros_like", name, ins, tg_keys(node))


@lowering("_CustomFunction", "_CustomFunctionBackward")
def _export_custom(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    describe = getattr(node.attrs.get("function"), "mxnet_attrs", None)
    attrs = describe() if node.op == "_CustomFunction" and describe is not None else None
    if attrs is not None:  # a custom operator of mx.operator: MXNet's `Custom` node
        return w.emit("Custom", name, ins, dict(sorted(attrs.items())), len(node.outputs))
    raise ExportError("cannot export node %s (%s): it runs Python code of an "
                      "autograd.Function, which MXNet symbol JSON cannot hold" % (name, node.op))


@lowering("BatchNorm")
def _export_batchnorm(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    return export_batchnorm(w, node, name, ins)


def _export_node(w: JsonWriter, node: Node, name: str, ins: List[Entry]) -> List[Entry]:
    if node.region is not None:
        return _export_region(w, node, name, ins)
    lower = LOWERINGS.get(node.op)
    if lower is not None:
        return lower(w, node, name, ins)
    if node.meta and "export_as" in node.meta:
        op, attrs = node.meta["export_as"]  # (tapegraph.trace.opnames.exported_as)
        return w.emit(op, name, ins, attrs)
    attrs = _plain_attrs(node)
    if w.np_mode and node.op in NP_REDUCTIONS and not node.attrs.get("exclude"):
        axis = node.attrs.get("axis")
        return w.emit(NP_REDUCTIONS[node.op], name, ins, {
            "axis": "None" if axis is None or axis == () else attr_text(axis),
            "keepdims": str(bool(node.attrs.get("keepdims")))})
    if node.op in LEGACY_TOTALS and not w.np_mode and node.outputs[0].type.shape == ():
        attrs.update(tg_keys(node))  # MXNet's legacy op gives (1,); tapegraph's IR gives ()
    op = mxnet_name(node, w.np_mode)
    if w.np_mode and set(attrs) == {"scalar"} and op.endswith("_scalar") and (
            op.startswith("_npi_") or op in NP_CANONICAL.values()):
        # MXNet's np scalar operators record whether the scalar was an int
        attrs["is_int"] = str(float(node.attrs["scalar"]).is_integer())
    return w.emit(op, name, ins, attrs, len(node.outputs))


# np-mode spelling of reductions over axes (MXNet's F.np.sum / F.np.mean write these).
NP_REDUCTIONS = {"sum": "_np_sum", "mean": "_npi_mean"}
# MXNet operators that broadcast their operands (np mode): their inputs need no broadcast_to.
BROADCASTING = {"_npi_" + n for n in NP_BINARY} | {"broadcast_" + n for n in BINARY}


def _readers(graph: Graph) -> Dict[Value, List[Node]]:
    """value -> the nodes reading it, in graph order."""
    readers: Dict[Value, List[Node]] = {}
    for node in graph.nodes:
        for v in node.inputs:
            readers.setdefault(v, []).append(node)
    return readers


def _elided_broadcasts(graph: Graph, readers: Dict[Value, List[Node]], keep, broadcasts
                       ) -> Dict[Value, Value]:
    """`broadcast_to` outputs that `keep(node)` lets go, no graph output, read only by
    plain operators for which `broadcasts(reader)` (MXNet broadcasts their operands
    itself) -> the value they broadcast; such nodes are not written."""
    outputs = set(graph.outputs)
    elided: Dict[Value, Value] = {}
    for node in graph.nodes:
        out = node.outputs[0] if node.op == "broadcast_to" and node.region is None else None
        if out is None or out in outputs or not readers.get(out) or not keep(node):
            continue
        if all(r.region is None and r.op not in LOWERINGS and broadcasts(r)
               for r in readers[out]):
            elided[out] = node.inputs[0]
    return elided


def _implicit_broadcasts(graph: Graph, w: JsonWriter) -> Dict[Value, Value]:
    """np mode: `broadcast_to` nodes read only by operators MXNet broadcasts itself
    (`_npi_add`, ...) -> the value they broadcast."""
    return _elided_broadcasts(graph, _readers(graph), lambda node: True,
                              lambda r: _written_name(r, w) in BROADCASTING)


# Legacy mode: IR binary operator -> the MXNet operator that broadcasts its operands itself.
_LEGACY_BROADCASTING = {ir_op: "broadcast_" + short for short, ir_op in BINARY.items()}


def _legacy_broadcasts(graph: Graph) -> Tuple[Dict[Value, Value], Dict[Node, str]]:
    """Legacy mode: the helper `broadcast_to` nodes of a hybridized block's trace (those
    `F.broadcast_add` inserts, see tapegraph.trace.opnames.helper) read only by binary
    operators MXNet has a broadcasting version of -> the value they broadcast; and those
    readers -> that version's name (`elemwise_add` reading one is written
    `broadcast_add`), as MXNet's symbol records them. `load_json` maps them back."""
    readers = _readers(graph)
    elided = _elided_broadcasts(graph, readers,
                                lambda node: bool(node.meta and node.meta.get("helper")),
                                lambda r: r.op in _LEGACY_BROADCASTING)
    written = {r: _LEGACY_BROADCASTING[r.op] for v in elided for r in readers[v]}
    return elided, written


def _reshaped_totals(graph: Graph) -> Dict[Node, Node]:
    """Legacy mode: each `Reshape` to (1,) that is the only reader of a full reduction
    (`sum`, `mean`, ... with a 0-d IR result) -> that reduction. MXNet's legacy operator
    itself gives the (1,) array (`x.mean()` records `mean` then this Reshape), so the pair
    is written as ONE plain MXNet node, as MXNet writes it; `load_json` maps it back to the
    same two IR nodes."""
    readers = _readers(graph)
    outputs = set(graph.outputs)
    pairs: Dict[Node, Node] = {}
    for node in graph.nodes:
        if (node.op not in LEGACY_TOTALS or node.region is not None or node.meta
                or len(node.outputs) != 1 or node.outputs[0].type.shape != ()
                or node.outputs[0] in outputs):
            continue
        users = readers.get(node.outputs[0], [])
        if (len(users) == 1 and users[0].op == "Reshape" and users[0].region is None
                and users[0].outputs[0].type.shape == (1,)):
            pairs[users[0]] = node
    return pairs


def _written_name(node: Node, w: JsonWriter) -> Optional[str]:
    try:
        return mxnet_name(node, w.np_mode)
    except MXNetError:
        return None


def _export_region(w: JsonWriter, node: Node, name: str, ins: List[Entry]) -> List[Entry]:
    """A node holding a region (a `fused` group) is written as its region's nodes."""
    region = node.region
    env: Dict[Value, Entry] = dict(zip(region.inputs, ins))
    for k, inner in enumerate(region.nodes):
        outs = _export_node(w, inner, w.helper_name("%s_%s" % (name, inner.op.strip("_"))),
                            [env[v] for v in inner.inputs])
        _stamp_provenance(w, inner, outs)
        env.update(zip(inner.outputs, outs))
    return [env[v] for v in region.outputs]


def _stamp_provenance(w: JsonWriter, node: Node, outs: List[Entry]) -> None:
    """Record on the node written last for `node` which forward node it differentiates
    (`__tg_vjp_of__`: its name, or the name of the value it computed when that node is
    not in the graph) and which head gradient it is (`__tg_head_grad_of__`)."""
    meta = node.meta or {}
    if not outs or outs[0][0] < len(w.graph.inputs) or not meta:
        return
    last = w.nodes[outs[0][0]]
    src = meta.get("vjp_of")
    origin = str(meta.get("origin", ""))
    if src is not None:
        label = w.names.nodes.get(src) or (src.outputs[0].hint if src.outputs else None)
        last.setdefault("attrs", {})["__tg_vjp_of__"] = label or src.op
    elif origin.startswith("vjp of %") and " " not in origin[len("vjp of %"):]:
        last.setdefault("attrs", {})["__tg_vjp_of__"] = origin[len("vjp of %"):]
    if "head_grad_of" in meta:
        last.setdefault("attrs", {})["__tg_head_grad_of__"] = str(meta["head_grad_of"])
    if "attrs" in last:
        last["attrs"] = dict(sorted(last["attrs"].items()))


def to_document(graph: Graph, names: Optional[NodeNames] = None, np_mode: bool = False,
                extra_attrs: Optional[Dict[str, Dict[str, str]]] = None) -> Dict[str, Any]:
    """The graph as a JSON-ready dict in MXNet's symbol format; `extra_attrs` (node name ->
    attributes, e.g. `__lr_mult__` set by the user) are added to the nodes so named."""
    names = names or NodeNames(graph)
    w = JsonWriter(graph, names, np_mode)
    for v in graph.inputs:
        w.variable(v, names.inputs[v])
    written: Dict[Node, str] = {}
    if np_mode:
        elided = _implicit_broadcasts(graph, w)
    else:
        elided, written = _legacy_broadcasts(graph)
    totals = {} if np_mode else _reshaped_totals(graph)
    inner = set(totals.values())
    for node in graph.nodes:
        if node.outputs and node.outputs[0] in elided:
            w.entry[node.outputs[0]] = w.entry[elided[node.outputs[0]]]
            continue
        if node in inner:  # written by its Reshape (below)
            continue
        name = names.nodes[node]
        total = totals.get(node)
        if total is not None:
            outs = w.emit(mxnet_name(total, False), name,
                          [w.entry[v] for v in total.inputs], _plain_attrs(total))
        elif node in written:
            outs = w.emit(written[node], name, [w.entry[v] for v in node.inputs],
                          _plain_attrs(node))
        else:
            outs = _export_node(w, node, name, [w.entry[v] for v in node.inputs])
        _stamp_provenance(w, node, outs)
        for v, e in zip(node.outputs, outs):
            w.entry[v] = e
    if extra_attrs:
        w.add_attrs(extra_attrs)
    return w.document()


def to_json(graph: Graph, names: Optional[NodeNames] = None, np_mode: bool = False,
            extra_attrs: Optional[Dict[str, Dict[str, str]]] = None) -> str:
    """The graph as MXNet symbol JSON text (Apache MXNet 1.9.1 loads and evaluates it)."""
    return dumps(to_document(graph, names, np_mode, extra_attrs))

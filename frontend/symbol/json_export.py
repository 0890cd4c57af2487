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

import json
from typing import Any, Callable, Dict, List, Optional

from ..ir import REGISTRY, Graph, MXNetError, Node, Value
from ..ir.printer import format_attr, printed_attrs
from .mxnet_operators import MXNET_OPERATORS
from .mxnet_ops import LEGACY_TOTALS
from .mxjson import DTYPE_CODES, MXNET_VERSION, attr_text, dumps
from .naming import NodeNames

Entry = List[int]


class ExportError(MXNetError):
    """A graph holds an operator that cannot be written as MXNet operators."""


def ir_attr_text(attrs: Dict[str, Any]) -> str:
    """IR attributes in the text format's `{k=v, ...}` syntax (read back by the parser)."""
    return "{" + ", ".join("%s=%s" % (k, format_attr(v)) for k, v in attrs.items()) + "}"


class JsonWriter:
    """Accumulates MXNet nodes; `emit` appends one and returns its output entries."""

    def __init__(self, graph: Graph, names: NodeNames, np_mode: bool):
        self.graph = graph
        self.names = names
        self.np_mode = np_mode
        self.nodes: List[Dict[str, Any]] = []
        self.arg_nodes: List[int] = []
        self.row_ptr = [0]
        self.entry: Dict[Value, Entry] = {}
        self.taken = set(names.taken)

    def variable(self, v: Value, name: str) -> None:
        attrs = {"__dtype__": str(DTYPE_CODES[v.type.dtype]),
                 "__shape__": attr_text(tuple(v.type.shape))}
        self.arg_nodes.append(len(self.nodes))
        self.entry[v] = self._append({"op": "null", "name": name, "attrs": attrs,
                                      "inputs": []}, 1)[0]

    def emit(self, op: str, name: str, inputs: List[Entry], attrs: Dict[str, str],
             num_outputs: int = 1) -> List[Entry]:
        node: Dict[str, Any] = {"op": op, "name": name}
        if attrs:
            node["attrs"] = dict(sorted(attrs.items()))
        node["inputs"] = [list(e) for e in inputs]
        return self._append(node, num_outputs)

    def helper_name(self, base: str) -> str:
        """A fresh unique name for a node a lowering adds."""
        k = 0
        while "%s%d" % (base, k) in self.taken:
            k += 1
        name = "%s%d" % (base, k)
        self.taken.add(name)
        return name

    def _append(self, node: Dict[str, Any], num_outputs: int) -> List[Entry]:
        nid = len(self.nodes)
        self.nodes.append(node)
        self.row_ptr.append(self.row_ptr[-1] + num_outputs)
        return [[nid, i, 0] for i in range(num_outputs)]

    def document(self) -> Dict[str, Any]:
        attrs: Dict[str, Any] = {"mxnet_version": ["int", MXNET_VERSION]}
        if self.np_mode:
            attrs["is_np_shape"] = ["int", 1]
        return {"nodes": self.nodes, "arg_nodes": self.arg_nodes, "node_row_ptr": self.row_ptr,
                "heads": [self.entry[v] for v in self.graph.outputs], "attrs": attrs}


def mxnet_name(node: Node, np_mode: bool) -> str:
    """The MXNet operator for a node mapped one to one. In np mode the `_npi_*` name is
    used where the operator's attributes are the same in both namespaces. Only operators
    MXNet 1.9.1 registers are written (ExportError otherwise)."""
    opdef = REGISTRY.get(node.op)
    if (np_mode and opdef.mxnet_np and set(opdef.attrs) <= {"scalar"}
            and opdef.mxnet_np in MXNET_OPERATORS and not _is_comparison(opdef.mxnet_np)):
        return opdef.mxnet_np
    if opdef.mxnet not in MXNET_OPERATORS:
        raise ExportError("operator %s has no MXNet 1.9.1 equivalent (no lowering is "
                          "defined for it in tapegraph.symbol.json_export)" % node.op)
    return opdef.mxnet


def _is_comparison(name: str) -> bool:
    # np-mode comparisons return bool arrays; IR comparisons keep the input dtype.
    return any(w in name for w in ("equal", "greater", "less"))


# Attributes MXNet requires even where their value is tapegraph's default.
ALWAYS_WRITTEN = {"UpSampling": ("num_args", "sample_type")}


def _plain_attrs(node: Node, drop=()) -> Dict[str, str]:
    attrs = {k: attr_text(v) for k, v in printed_attrs(node).items() if k not in drop}
    for key in ALWAYS_WRITTEN.get(node.op, ()):
        attrs.setdefault(key, attr_text(node.attrs[key]))
    return attrs


def tg_keys(node: Node, args: Optional[List[Entry]] = None) -> Dict[str, str]:
    """The hidden keys that let `load_json` rebuild `node` exactly (see the module doc)."""
    keys = {"__tg_op__": node.op}
    if node.attrs:
        keys["__tg_attrs__"] = ir_attr_text(node.attrs)
    if args is not None:
        keys["__tg_args__"] = json.dumps([e[:2] for e in args])
    return keys


Lowering = Callable[[JsonWriter, Node, str, List[Entry]], List[Entry]]
LOWERINGS: Dict[str, Lowering] = {}


def lowering(*ops: str) -> Callable[[Lowering], Lowering]:
    """Decorator: `fn(writer, node, name, inputs) -> output entries` exports `ops`."""
    def wrap(fn: Lowering) -> Lowering:
        for op in ops:
            LOWERINGS[op] = fn
        return fn
    return wrap


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


@lowering("Dropout")
def _export_dropout(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    # The mask is an explicit input (drawn while recording), so the op is x * mask.
    return w.emit("elemwise_mul", name, ins, tg_keys(node))


@lowering("_backward_sign")
def _export_backward_sign(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    return w.emit("zeros_like", name, ins, tg_keys(node))


@lowering("_CustomFunction", "_CustomFunctionBackward")
def _export_custom(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    raise ExportError("cannot export node %s (%s): it runs Python code of an "
                      "autograd.Function, which MXNet symbol JSON cannot hold" % (name, node.op))


@lowering("BatchNorm")
def _export_batchnorm(w: JsonWriter, node: Node, name: str, ins: List[Entry]):
    from .lower_batchnorm import export_batchnorm
    return export_batchnorm(w, node, name, ins)


def _load_lowerings() -> None:
    from . import lower_gather  # noqa: F401  (registers more LOWERINGS)


def _export_node(w: JsonWriter, node: Node, name: str, ins: List[Entry]) -> List[Entry]:
    if node.region is not None:
        return _export_region(w, node, name, ins)
    lower = LOWERINGS.get(node.op)
    if lower is not None:
        return lower(w, node, name, ins)
    attrs = _plain_attrs(node)
    if node.op in LEGACY_TOTALS and not w.np_mode and node.outputs[0].type.shape == ():
        attrs.update(tg_keys(node))  # MXNet's legacy op gives (1,); tapegraph's IR gives ()
    return w.emit(mxnet_name(node, w.np_mode), name, ins, attrs, len(node.outputs))


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


def to_document(graph: Graph, names: Optional[NodeNames] = None,
                np_mode: bool = False) -> Dict[str, Any]:
    """The graph as a JSON-ready dict in MXNet's symbol format."""
    _load_lowerings()
    names = names or NodeNames(graph)
    w = JsonWriter(graph, names, np_mode)
    for v in graph.inputs:
        w.variable(v, names.inputs[v])
    for node in graph.nodes:
        name = names.nodes[node]
        outs = _export_node(w, node, name, [w.entry[v] for v in node.inputs])
        _stamp_provenance(w, node, outs)
        for v, e in zip(node.outputs, outs):
            w.entry[v] = e
    return w.document()


def to_json(graph: Graph, names: Optional[NodeNames] = None, np_mode: bool = False) -> str:
    """The graph as MXNet symbol JSON text (Apache MXNet 1.9.1 loads and evaluates it)."""
    return dumps(to_document(graph, names, np_mode))

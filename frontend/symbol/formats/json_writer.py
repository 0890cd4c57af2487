"""The pieces of MXNet symbol JSON export that lowerings share: the `JsonWriter` that
lays out nodes, MXNet names and attribute text of IR nodes, the hidden `__tg_*__` keys
(see tapegraph.symbol.formats.json_export) and the table of lowerings (`LOWERINGS`, filled
with `@lowering`)."""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional

from ...ir import REGISTRY, Graph, MXNetError, Node, Value
from ...ir.printer import format_attr, printed_attrs
from ..graph.mxnet_operators import MXNET_OPERATORS
from ..graph.mxjson import DTYPE_CODES, MXNET_VERSION, attr_text
from ..graph.naming import NodeNames

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

    def add_attrs(self, extra: Dict[str, Dict[str, str]]) -> None:
        """Add attributes to the nodes named in `extra` (keys already written are kept)."""
        for node in self.nodes:
            more = extra.get(node["name"])
            if more:
                attrs = dict(more)
                attrs.update(node.get("attrs", {}))
                node["attrs"] = dict(sorted(attrs.items()))
                node["inputs"] = node.pop("inputs")  # MXNet writes "attrs" before "inputs"

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
        return NP_CANONICAL.get(opdef.mxnet_np, opdef.mxnet_np)
    if opdef.mxnet not in MXNET_OPERATORS:
        raise ExportError("operator %s has no MXNet 1.9.1 equivalent (no lowering is "
                          "defined for it in tapegraph.symbol.json_export)" % node.op)
    return opdef.mxnet


# MXNet's np names that are aliases: MXNet's symbol JSON holds the operator's own name
# (captured by tools/capture_np_export.py; tests/export/test_np_export.py checks this table).
NP_CANONICAL = {
    "_np_repeat": "repeat", "_npi_argsort": "argsort", "_npi_cast": "Cast", "_npi_clip": "clip",
    "_npi_expand_dims": "expand_dims", "_npi_full": "_full", "_npi_hypot_scalar": "_hypot_scalar",
    "_npi_inv": "_linalg_inverse", "_npi_maximum": "broadcast_maximum",
    "_npi_maximum_scalar": "_maximum_scalar", "_npi_minimum": "broadcast_minimum",
    "_npi_minimum_scalar": "_minimum_scalar", "_npi_slice": "slice", "_npi_sort": "sort",
    "_npi_split": "_split_v2", "_npi_swapaxes": "SwapAxis", "_npi_take": "take",
    "_npi_tile": "tile", "_npx__image_flip_left_right": "_image_flip_left_right",
    "_npx__image_flip_top_bottom": "_image_flip_top_bottom",
    "_npx__image_random_flip_left_right": "_image_random_flip_left_right",
    "_npx__image_random_flip_top_bottom": "_image_random_flip_top_bottom",
    "_npx__image_to_tensor": "_image_to_tensor",
    "_npx_batch_dot": "batch_dot", "_npx_batch_flatten": "Flatten",
    "_npx_convolution": "Convolution", "_npx_deconvolution": "Deconvolution",
    "_npx_embedding": "Embedding", "_npx_erf": "erf", "_npx_erfinv": "erfinv",
    "_npx_gamma": "gamma", "_npx_gammaln": "gammaln", "_npx_layer_norm": "LayerNorm",
    "_npx_log_softmax": "log_softmax", "_npx_one_hot": "one_hot", "_npx_pick": "pick",
    "_npx_pooling": "Pooling", "_npx_softmax": "softmax", "_npx_topk": "topk",
    "stop_gradient": "BlockGrad"}


def _is_comparison(name: str) -> bool:
    # np-mode comparisons return bool arrays; IR comparisons keep the input dtype.
    return any(w in name for w in ("equal", "greater", "less"))


# Attributes MXNet requires even where their value is tapegraph's default.
ALWAYS_WRITTEN = {"UpSampling": ("num_args", "sample_type"), "_random_randint": ("low", "high"),
                  "_npi_uniform": ("low", "high"), "_npi_normal": ("loc", "scale")}


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

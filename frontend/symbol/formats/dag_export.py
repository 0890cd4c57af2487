"""Text forms of an untyped symbol: MXNet JSON of the DAG as it stands (for symbols whose
shapes are unknown) and MXNet's `debug_str`."""
from __future__ import annotations

from typing import Any, Dict, List, Sequence

from ...ir import REGISTRY
from ...ir.printer import printed_attrs
from ..graph.dag import Entry, SymNode, topo_order
from ..graph.mxjson import MXNET_VERSION, attr_text, dumps
from ..graph.mxnet_ops import mappings


def _written_attrs(node: SymNode) -> Dict[str, str]:
    """The attribute text of a node: as loaded, or the non-default IR attributes."""
    if node.raw or node.is_variable:
        return dict(node.raw)
    if node.ir_node is not None:
        return {k: attr_text(v) for k, v in printed_attrs(node.ir_node).items()}
    opdef = REGISTRY._ops.get(node.op)
    if opdef is None and node.op in mappings():  # an MXNet operator built from another
        opdef = REGISTRY._ops.get(mappings()[node.op].ir_op)
    out = {}
    for k, v in node.attrs.items():
        default = opdef.attrs.get(k, object()) if opdef else object()
        if not (type(default) is type(v) and default == v):
            out[k] = attr_text(v)
    return out


# Operators for which MXNet counts hidden outputs in `node_row_ptr` (BatchNorm's saved
# mean and variance, max Pooling's workspace, Dropout's mask, the normalisations' saved
# statistics, LRN's norm, rrelu's mask), and inputs it mutates.
_ROW_OUTPUTS = {"BatchNorm": lambda raw: 3, "_contrib_BatchNormWithReLU": lambda raw: 4,
                "Dropout": lambda raw: 2,
                "Pooling": lambda raw: 2 if raw.get("pool_type", "max") == "max" else 1,
                "InstanceNorm": lambda raw: 3, "LayerNorm": lambda raw: 3,
                "GroupNorm": lambda raw: 3, "LRN": lambda raw: 2,
                "LeakyReLU": lambda raw: 2 if raw.get("act_type") == "rrelu" else 1}
_MUTATED_INPUTS = {"BatchNorm": (3, 4)}


def row_outputs(node: SymNode) -> int:
    """How many outputs MXNet counts for the node in `node_row_ptr`."""
    rule = _ROW_OUTPUTS.get(_op_name(node)) if not node.is_variable else None
    return max(node.num_outputs, rule(node.raw)) if rule else node.num_outputs


def version(node: SymNode, position: int) -> int:
    """The entry version MXNet writes: 1 for inputs the operator mutates (aux states)."""
    if node.is_variable:
        return 0
    if node.versions is not None and position < len(node.versions):
        return node.versions[position]
    return int(position in _MUTATED_INPUTS.get(_op_name(node), ()))


def _op_name(node: SymNode) -> str:
    if node.ir_node is not None or node.op in REGISTRY:
        opdef = REGISTRY._ops.get(node.op)
        if opdef is not None and not node.raw:
            return opdef.mxnet
    return node.op


def dag_to_json(heads: Sequence[Entry], np_mode: bool = False) -> str:
    """MXNet JSON of the DAG, without lowering (no types are needed)."""
    order = topo_order(heads, mxnet_view=True)  # every node the file's inputs mention
    index = {id(n): k for k, n in enumerate(order)}
    nodes: List[Dict[str, Any]] = []
    row_ptr = [0]
    for n in order:
        item: Dict[str, Any] = {"op": "null" if n.is_variable else _op_name(n), "name": n.name}
        attrs = _written_attrs(n)
        if attrs:
            item["attrs"] = dict(sorted(attrs.items()))
        item["inputs"] = [[index[id(src)], i, version(n, k)]
                          for k, (src, i) in enumerate(n.inputs)]
        nodes.append(item)
        row_ptr.append(row_ptr[-1] + row_outputs(n))
    attrs: Dict[str, Any] = {"mxnet_version": ["int", MXNET_VERSION]}
    if np_mode:
        attrs["is_np_shape"] = ["int", 1]
    doc = {"nodes": nodes, "arg_nodes": [k for k, n in enumerate(order) if n.is_variable],
           "node_row_ptr": row_ptr, "heads": [[index[id(n)], i, 0] for n, i in heads],
           "attrs": attrs}
    return dumps(doc)


def debug_str(heads: Sequence[Entry]) -> str:
    """The text MXNet's `Symbol.debug_str()` prints for the same graph."""
    lines = ["Symbol Outputs:"]
    for k, (n, i) in enumerate(heads):
        lines.append("\toutput[%d]=%s(%d)" % (k, n.name, i))
    for n in topo_order(heads, mxnet_view=True):
        if n.is_variable:
            lines.append("Variable:" + n.name)
            continue
        lines.append("-" * 20)
        lines.append("Op:%s, Name=%s" % (_op_name(n), n.name))
        lines.append("Inputs:")
        for k, (src, i) in enumerate(n.inputs):
            lines.append("\targ[%d]=%s(%d)%s" % (k, src.name, i, " version=%d" % version(n, k)
                                                  if src.is_variable else ""))
        attrs = {k: v for k, v in _written_attrs(n).items()
                 if not (k.startswith("__") and k.endswith("__"))}
        if attrs:
            lines.append("Attrs:")
            lines.extend("\t%s=%s" % (k, v) for k, v in sorted(attrs.items()))
    return "\n".join(lines) + "\n"

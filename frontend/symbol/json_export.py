"""Export a Graph to MXNet's symbol JSON format (nodes, arg_nodes, node_row_ptr, heads)."""
from __future__ import annotations

import json
from typing import Any, Dict, List

from ..ir import REGISTRY, Graph
from ..ir.printer import format_attr


def _attr_text(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_attr_text(v) for v in value) + ("," if len(value) == 1 else "") \
            + ")"
    if isinstance(value, str):
        return value
    return format_attr(value)


def node_names(graph: Graph) -> List[str]:
    counters: Dict[str, int] = {}
    names = []
    for n in graph.nodes:
        base = n.op.lstrip("_").lower()
        k = counters.get(base, 0)
        counters[base] = k + 1
        names.append("%s%d" % (base, k))
    return names


def output_names(graph: Graph) -> List[str]:
    names = node_names(graph)
    producer = {}
    for n, name in zip(graph.nodes, names):
        for i, v in enumerate(n.outputs):
            producer[v] = (name, i, len(n.outputs))
    out = []
    for k, v in enumerate(graph.outputs):
        if v in producer:
            name, i, count = producer[v]
            out.append("%s_output%s" % (name, i if count > 1 else ""))
        else:
            out.append(v.hint or "var%d" % graph.inputs.index(v))
    return out


def to_json(graph: Graph, np_mode: bool = False) -> str:
    """The graph as MXNet symbol JSON text."""
    nodes: List[Dict[str, Any]] = []
    entry: Dict[Any, List[int]] = {}
    for i, v in enumerate(graph.inputs):
        entry[v] = [len(nodes), 0, 0]
        nodes.append({"op": "null", "name": v.hint or "var%d" % i, "inputs": []})
    arg_nodes = list(range(len(nodes)))
    for n, name in zip(graph.nodes, node_names(graph)):
        opdef = REGISTRY.get(n.op)
        attrs = {k: _attr_text(v) for k, v in n.attrs.items() if k != "training"}
        node = {"op": (opdef.mxnet_np if np_mode and opdef.mxnet_np else opdef.mxnet),
                "name": name, "inputs": [entry[v] for v in n.inputs]}
        if attrs:
            node["attrs"] = attrs
        for i, v in enumerate(n.outputs):
            entry[v] = [len(nodes), i, 0]
        nodes.append(node)
    row_ptr = [0]
    count = len(graph.inputs)
    row_ptr += list(range(1, count + 1))
    for n in graph.nodes:
        row_ptr.append(row_ptr[-1] + len(n.outputs))
    attrs: Dict[str, Any] = {"mxnet_version": ["int", 10901]}
    if np_mode:
        attrs["is_np_shape"] = ["int", 1]
    doc = {"nodes": nodes, "arg_nodes": arg_nodes, "node_row_ptr": row_ptr,
           "heads": [entry[v] for v in graph.outputs], "attrs": attrs}
    return json.dumps(doc, indent=2)

"""Readable names for the values and nodes of a graph.

A recorded graph has no names of its own. `caller_names` finds the Python variables
of the user's code that hold the recorded arrays; `NodeNames` combines them with op
name + counter names (`tanh0`, `mul1`) for everything else, unique within a graph, so
an export reads `x`, `w`, `hidden`, `mul0` instead of MXNet's `var0`, `node_0`.
"""
from __future__ import annotations

import inspect
import os
import re
from typing import Any, Dict, Iterable, List, Optional

from ...ir import Graph, Node, Value
from .mxnet_ops import ARG_NAMES

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Prefixes that say nothing about what an operator computes.
_NOISE = ("elemwise_", "broadcast_", "_npi_", "_np_", "_npx_", "_")
# Code in the package written as a user would write it.
_EXAMPLES = (os.path.join("cli", "demo.py"),)
_KEEP_PREFIX_FOR = {"to", "like", "axis", "axes"}  # `broadcast_to` stays itself


def op_base_name(op: str) -> str:
    """`elemwise_mul` -> `mul`, `_mul_scalar` -> `mul_scalar`, `FullyConnected` ->
    `fullyconnected` (MXNet's Symbol API spells auto-names the same way)."""
    name = op
    for prefix in _NOISE:
        rest = name[len(prefix):]
        if name.startswith(prefix) and rest and rest not in _KEEP_PREFIX_FOR:
            name = rest
    return name.lower()


def user_frame(skip_package: bool = True):
    """The innermost frame running code outside the tapegraph package."""
    frame = inspect.currentframe()
    try:
        frame = frame.f_back
        while frame is not None and skip_package:
            path = os.path.abspath(frame.f_code.co_filename)
            if not path.startswith(_PACKAGE_DIR + os.sep) or path.endswith(_EXAMPLES):
                break
            frame = frame.f_back
        return frame
    finally:
        del frame


def caller_names(values: Iterable[Value], frame=None) -> Dict[Value, str]:
    """Map the given values to names of variables (locals, then globals) of `frame`
    (default: the first frame outside tapegraph) that hold arrays recording them.

    Only identifiers are used; the first name found wins; nothing is evaluated.
    """
    wanted = set(values)
    if not wanted:
        return {}
    by_data = {id(v.data): v for v in wanted if getattr(v, "data", None) is not None}
    frame = frame if frame is not None else user_frame()
    if frame is None:
        return {}
    found: Dict[Value, str] = {}
    try:
        for scope in (frame.f_locals, frame.f_globals):
            for name, obj in list(scope.items()):
                if name.startswith("_") or not _IDENT.match(name):  # `_`, `_1`: REPL history
                    continue
                for v in _recorded_values(obj, by_data):
                    if v in wanted and v not in found:
                        found[v] = name
    finally:
        del frame
    return found


def _recorded_values(obj: Any, by_data: Dict[int, Value]) -> List[Value]:
    """The recorded values an array stands for: its own, or (for an array that was used
    as a constant) the value recorded for its data buffer."""
    if not hasattr(type(obj), "_wrap"):
        return []
    found = []
    v = getattr(obj, "_value", None)
    if isinstance(v, Value):
        found.append(v)
    data = getattr(obj, "_data", None)
    if data is not None and id(data) in by_data:
        found.append(by_data[id(data)])
    return found


class NodeNames:
    """Unique names for the inputs and nodes of one graph.

    `value_names` (Value -> preferred name) come first; op nodes not covered get
    `<op base name><counter>`; backward nodes (with `meta["vjp_of"]`) get a `bwd_`
    prefix. An input without a name is named after the argument it is for, as MXNet
    names parameters (`fullyconnected0_weight`, `dropout0_mask`), else `data0`, ...
    """

    def __init__(self, graph: Graph, value_names: Optional[Dict[Value, str]] = None,
                 reserved: Iterable[str] = ()):
        value_names = value_names or {}
        self.taken = set(reserved)
        self.counters: Dict[str, int] = {}
        self.inputs: Dict[Value, str] = {}
        self.nodes: Dict[Node, str] = {}
        unnamed = []
        for v in graph.inputs:
            preferred = value_names.get(v) or (v.hint if v.hint and _IDENT.match(v.hint)
                                               else None)
            if preferred:
                self.inputs[v] = self._claim(preferred)
            else:
                self.inputs[v] = None  # keeps the order; named below
                unnamed.append(v)
        self._name_nodes(graph, value_names)
        if unnamed:
            first_use: Dict[Value, Any] = {}
            wanted = set(unnamed)
            for node in graph.nodes:
                for k, v in enumerate(node.inputs):
                    if v in wanted and v not in first_use:
                        first_use[v] = (node, k)
            for v in unnamed:
                self.inputs[v] = self._argument_name(first_use.get(v))

    def _argument_name(self, use) -> str:
        if use is not None:
            node, k = use
            args = ARG_NAMES.get(node.op, ())
            if 0 < k < len(args):
                return self._claim("%s_%s" % (self.nodes[node], args[k]))
        return self.fresh("data")

    def _name_nodes(self, graph: Graph, value_names: Dict[Value, str]) -> None:
        for node in graph.nodes:
            preferred = None
            for v in node.outputs:
                if v in value_names:
                    preferred = value_names[v]
                    break
            if preferred:
                self.nodes[node] = self._claim(preferred)
            else:
                base = op_base_name(node.op)
                if node.meta and node.meta.get("vjp_of") is not None:
                    base = "bwd_" + base
                self.nodes[node] = self.fresh(base)

    def _claim(self, name: str) -> str:
        if name not in self.taken:
            self.taken.add(name)
            return name
        return self.fresh(name + "_")

    def fresh(self, base: str) -> str:
        """`base<k>` for the smallest unused counter k."""
        k = self.counters.get(base, 0)
        while "%s%d" % (base, k) in self.taken:
            k += 1
        self.counters[base] = k + 1
        name = "%s%d" % (base, k)
        self.taken.add(name)
        return name

    def of_value(self, v: Value, producers: Dict[Value, Any]) -> str:
        """The name of a value: its input name or `<node name>` (+ `_output<i>` for
        multi-output nodes)."""
        if v in self.inputs:
            return self.inputs[v]
        node, i = producers[v]
        name = self.nodes[node]
        return name if len(node.outputs) == 1 else "%s_output%d" % (name, i)


def graph_names(graph: Graph, user: Optional[Dict[Value, str]] = None) -> Dict[Value, str]:
    """A name for every input and node output of `graph`: `user` names first, then
    generated ones; a node's first output carries the node's name."""
    nn = NodeNames(graph, user)
    names: Dict[Value, str] = dict(nn.inputs)
    for node, name in nn.nodes.items():
        for i, v in enumerate(node.outputs):
            names[v] = name if i == 0 else "%s_output%d" % (name, i)
    return names


def renamed(graph: Graph, names: Dict[Value, str]) -> Graph:
    """A copy of `graph` whose values carry `names` as hints (so the printer shows
    `%x`, `%tanh0` instead of `%in0`). Provenance is kept: `meta["vjp_of"]` points to
    the copied forward node, or, when the forward node is not in the graph (a
    residualized backward graph), to a detached copy whose values carry their names.
    Regions (fused groups) are copied the same way.
    """
    vmap: Dict[Value, Value] = {}
    nmap: Dict[Node, Node] = {}

    def value(v: Value) -> Value:
        new = vmap.get(v)
        if new is None:
            new = vmap[v] = Value(v.type, names.get(v, v.hint))
        return new

    def node(n: Node, region: Optional[Graph]) -> Node:
        new = Node(n.op, [value(v) for v in n.inputs], [value(v) for v in n.outputs],
                   n.attrs, region, None)
        nmap[n] = new
        return new

    def copy(g: Graph) -> Graph:
        nodes = [node(n, copy(n.region) if n.region is not None else None) for n in g.nodes]
        for old, new in zip(g.nodes, nodes):
            if old.meta:
                meta = dict(old.meta)
                src = meta.get("vjp_of")
                if src is not None:
                    meta["vjp_of"] = nmap[src] if src in nmap else node(src, src.region)
                new.meta = meta
        return Graph(g.name, [value(v) for v in g.inputs], nodes,
                     [value(v) for v in g.outputs], dict(g.meta))

    return copy(graph)

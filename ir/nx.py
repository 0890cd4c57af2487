"""A graph as a networkx `DiGraph`, for analyses (paths, centrality, critical paths...).

Nodes are `"in:<i>"` for graph inputs, `"n:<k>"` for the k-th operator node and
`"out:<i>"` for graph outputs. Node attributes: `kind` ("input", "op", "output"), `op`,
`attrs` (the operator's attributes), `label` (the printed name), `backward` (made by the
gradient pass), `vjp_of` (id of the forward node it came from, when in the graph),
`shapes` / `dtypes` of its outputs, and `region` (a nested DiGraph for fused nodes).
Edges carry the value flowing: `shape`, `dtype`, `index` (output index of the
producer) and `port` (input position at the consumer); parallel uses of one value
(`mul(x, x)`) are kept as distinct edges in a MultiDiGraph when `multigraph=True`.
"""
from __future__ import annotations

from typing import Dict, Optional

from .graph import Graph, Node, Value
from .dot import is_backward
from .printer import Namer


def to_networkx(graph: Graph, multigraph: bool = False):
    """The networkx (Multi)DiGraph of `graph` (see the module docstring)."""
    import networkx as nx
    g = nx.MultiDiGraph(name=graph.name) if multigraph else nx.DiGraph(name=graph.name)
    namer = Namer()
    source: Dict[Value, tuple] = {}
    ids: Dict[Node, str] = {}
    for i, v in enumerate(graph.inputs):
        ident = "in:%d" % i
        g.add_node(ident, kind="input", op=None, attrs={}, label=namer.input(v, i),
                   backward=False, shapes=[v.type.shape], dtypes=[v.type.dtype])
        source[v] = (ident, 0)
    for k, node in enumerate(graph.nodes):
        ident = "n:%d" % k
        ids[node] = ident
        meta = node.meta or {}
        src = meta.get("vjp_of")
        labels = [namer.output(v) for v in node.outputs]
        g.add_node(ident, kind="op", op=node.op, attrs=dict(node.attrs),
                   label=",".join("%" + name for name in labels),
                   backward=is_backward(node),
                   vjp_of=ids.get(src) if src is not None else None,
                   shapes=[v.type.shape for v in node.outputs],
                   dtypes=[v.type.dtype for v in node.outputs],
                   region=to_networkx(node.region, multigraph) if node.region else None)
        for port, v in enumerate(node.inputs):
            _edge(g, source.get(v), ident, v, port)
        for i, v in enumerate(node.outputs):
            source[v] = (ident, i)
    for i, v in enumerate(graph.outputs):
        ident = "out:%d" % i
        g.add_node(ident, kind="output", op=None, attrs={}, label="output %d" % i,
                   backward=False, shapes=[v.type.shape], dtypes=[v.type.dtype])
        _edge(g, source.get(v), ident, v, 0)
    return g


def _edge(g, src: Optional[tuple], dst: str, v: Value, port: int) -> None:
    if src is None:
        return
    g.add_edge(src[0], dst, shape=v.type.shape, dtype=v.type.dtype, index=src[1], port=port)

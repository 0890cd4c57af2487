"""A small helper for passes that rewrite a graph node by node."""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from ..ir import Graph, Node, Value


class Rewriter:
    """Builds the rewritten copy of `graph` without touching it.

    Walk the old nodes in order; `get(v)` is what an old value has become; `replace(old,
    new)` redirects the uses of `old`; `emit(node, inputs)` keeps a node (the same object
    when its inputs are unchanged, else a copy reading the new inputs); `add(node)` adds a
    new node. `result()` is the new graph, or `graph` itself when nothing changed.
    """

    def __init__(self, graph: Graph):
        self.graph = graph
        self.map: Dict[Value, Value] = {}
        self.nodes: List[Node] = []
        self.changed = False

    def get(self, v: Value) -> Value:
        return self.map.get(v, v)

    def replace(self, old: Value, new: Value) -> None:
        self.map[old] = self.map.get(new, new)
        self.changed = True

    def emit(self, node: Node, inputs: Optional[Sequence[Value]] = None) -> Node:
        ins = tuple(self.get(v) for v in node.inputs) if inputs is None else tuple(inputs)
        if ins != node.inputs:
            node = Node(node.op, ins, node.outputs, node.attrs, node.region, node.meta)
            self.changed = True
        self.nodes.append(node)
        return node

    def add(self, node: Node) -> Node:
        self.nodes.append(node)
        self.changed = True
        return node

    def result(self) -> Graph:
        if not self.changed:
            return self.graph
        g = self.graph
        return Graph(g.name, g.inputs, self.nodes, [self.get(v) for v in g.outputs],
                     dict(g.meta))

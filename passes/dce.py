"""Dead-code elimination."""
from __future__ import annotations

from typing import Set

from ..ir import Graph, Value
from .manager import register_pass


@register_pass("dce")
def dce(graph: Graph) -> Graph:
    """Drop every node none of whose outputs reaches a graph output.

    Guarantees: same inputs and outputs (same Value objects); the kept nodes keep their
    order; a backward graph computes only what its outputs need (nothing for inputs
    that were not asked for). Returns `graph` itself when nothing is dead.
    """
    live: Set[Value] = set(graph.outputs)
    kept = []
    for node in reversed(graph.nodes):
        if any(v in live for v in node.outputs):
            kept.append(node)
            live.update(node.inputs)
    if len(kept) == len(graph.nodes):
        return graph
    kept.reverse()
    return Graph(graph.name, graph.inputs, kept, graph.outputs, dict(graph.meta))

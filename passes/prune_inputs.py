"""Drop the graph inputs nothing reads."""
from __future__ import annotations

from ..ir import Graph
from .manager import register_pass


@register_pass("prune-inputs")
def prune_inputs(graph: Graph) -> Graph:
    """Remove every graph input that no node and no output uses.

    Guarantees: the nodes and outputs are the same objects; the inputs kept keep their
    order and identity, so a caller binding inputs by identity (as the backward engine
    does, `Compiled.sources`) needs nothing else; a caller binding by position must
    re-read `graph.inputs`. The graph is returned unchanged when every input is used.
    Not part of `simplify`, which never changes a graph's signature (a `create_graph`
    region keeps unused variables as inputs on purpose).
    """
    used = set(graph.outputs)
    for node in graph.nodes:
        used.update(node.inputs)
    kept = [v for v in graph.inputs if v in used]
    if len(kept) == len(graph.inputs):
        return graph
    return Graph(graph.name, kept, graph.nodes, graph.outputs, dict(graph.meta))

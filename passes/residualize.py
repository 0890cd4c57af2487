"""Turn values that are already computed into graph inputs."""
from __future__ import annotations

from typing import Collection, List, Set

from ..ir import Graph, Value
from .manager import register_pass


@register_pass("residualize")
def residualize(graph: Graph, known: Collection[Value] = ()) -> Graph:
    """Replace the nodes whose outputs are all in `known` by new graph inputs.

    This is how an eagerly executed forward pass meets its backward graph: the forward
    values the gradient needs (JAX calls them residuals) become inputs, and the forward
    nodes disappear. Guarantees: the original inputs come first, unchanged; the new
    inputs are the known values still used, in order of first use; outputs unchanged.
    """
    known_set: Set[Value] = set(known)
    inputs = set(graph.inputs)
    kept = []
    for node in graph.nodes:
        if node.outputs and all(v in known_set for v in node.outputs):
            continue
        kept.append(node)
    residuals: List[Value] = []
    seen: Set[Value] = set(inputs)
    defined = set(v for n in kept for v in n.outputs)

    def want(v: Value) -> None:
        if v not in seen and v not in defined and v in known_set:
            seen.add(v)
            residuals.append(v)

    for node in kept:
        for v in node.inputs:
            want(v)
    for v in graph.outputs:
        want(v)
    meta = dict(graph.meta)
    meta["num_residuals"] = len(residuals)
    return Graph(graph.name, list(graph.inputs) + residuals, kept, graph.outputs, meta)

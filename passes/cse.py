"""Common-subexpression elimination."""
from __future__ import annotations

from typing import Dict, Tuple

from ..ir import REGISTRY, Graph, Node, attrs_key, structural_key
from .manager import register_pass
from .rewrite import Rewriter


def _pure(node: Node) -> bool:
    opdef = REGISTRY._ops.get(node.op)
    if opdef is None:
        return False
    return not opdef.effects


@register_pass("cse")
def cse(graph: Graph) -> Graph:
    """Merge nodes that apply the same operator, with equal attributes and regions, to the
    same inputs: later duplicates are dropped and their uses read the first node's outputs.

    Guarantees: same inputs and outputs types; every kept node keeps its relative order;
    random, callback and train-mode-dependent operators are never merged (two dropout
    masks are different values). Returns `graph` itself when nothing is merged.
    """
    seen: Dict[Tuple, Node] = {}
    rw = Rewriter(graph)
    for node in graph.nodes:
        ins = tuple(rw.get(v) for v in node.inputs)
        if _pure(node):
            region = structural_key(node.region) if node.region is not None else None
            key = (node.op, attrs_key(node.attrs), tuple(map(id, ins)), region)
            first = seen.get(key)
            if first is not None:
                for old, new in zip(node.outputs, first.outputs):
                    rw.replace(old, new)
                continue
            kept = rw.emit(node, ins)
            seen[key] = kept
        else:
            rw.emit(node, ins)
    return rw.result()


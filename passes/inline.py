"""Inlining: nodes that stand for a region are replaced by the region's operators."""
from __future__ import annotations

from typing import Collection, Dict, List, Sequence, Tuple

from ..ir import Graph, Node, Value
from ..ir.ops.regions import CACHED_OP, CHECKPOINT, GRAD_REGION
from .manager import register_pass


@register_pass("inline")
def inline(graph: Graph, ops: Collection[str] = (GRAD_REGION, CACHED_OP, CHECKPOINT)
           ) -> Graph:
    """Replace every node whose operator is in `ops` (by default `_grad_region`, the
    recorded gradient computations of `create_graph=True`, `_CachedOp`, hybridized
    Gluon blocks, and `_checkpoint`, functions marked by transforms.checkpoint) by the
    nodes of its region.

    Guarantees: same inputs and outputs; each value an inlined node defined keeps its
    identity (the region node that computes it now defines it), so names and data
    attached to recorded values stay valid, except a value the region passes through
    unchanged (or returns twice), whose uses read that other value instead; regions
    nested inside inlined regions are inlined too (iteratively); other nodes, including
    `fused` groups unless asked for, are kept as they are; results are unchanged. The
    inlined nodes keep their provenance. Returns `graph` itself when nothing is inlined.
    """
    ops = frozenset(ops)
    if not any(n.op in ops and n.region is not None for n in graph.nodes):
        return graph
    rename: Dict[Value, Value] = {}  # values of the outer graph replaced by others
    nodes: List[Node] = []
    # Work stack of (nodes still to visit, environment mapping that graph's values).
    stack: List[Tuple[Sequence[Node], int, Dict[Value, Value]]] = [(graph.nodes, 0, {})]
    while stack:
        body, pos, env = stack.pop()
        if pos == len(body):
            continue
        node = body[pos]
        stack.append((body, pos + 1, env))
        ins = tuple(_get(env, rename, v) for v in node.inputs)
        outs = tuple(env.get(v, v) for v in node.outputs)
        if node.op not in ops or node.region is None:
            if ins != node.inputs or outs != node.outputs:
                node = Node(node.op, ins, outs, node.attrs, node.region, node.meta)
            nodes.append(node)
            continue
        region = node.region
        inner: Dict[Value, Value] = dict(zip(region.inputs, ins))
        for rv, outer in zip(region.outputs, outs):
            if rv in inner:  # passed through, or returned twice
                rename[outer] = inner[rv]
                continue
            inner[rv] = outer
        for n in region.nodes:
            for v in n.outputs:
                if v not in inner:
                    inner[v] = Value(v.type, v.hint)
        stack.append((region.nodes, 0, inner))
    return Graph(graph.name, graph.inputs, nodes,
                 [_get({}, rename, v) for v in graph.outputs], dict(graph.meta))


def _get(env: Dict[Value, Value], rename: Dict[Value, Value], v: Value) -> Value:
    v = env.get(v, v)
    while v in rename:
        v = rename[v]
    return v

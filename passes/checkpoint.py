"""The `checkpoint` pass: rematerialisation. A joint forward+backward graph keeps every
forward value its backward reads alive from the forward to the backward; `checkpoint`
keeps only the values a policy saves and recomputes the others in the backward, from
the saved ones, just before their first use there. Less memory, more time (see
docs/performance.md for the trade-off measured by bench/checkpoint.py).
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Set

from ..ir import REGISTRY, Builder, Graph, MXNetError, Node, Value
from .dce import dce
from .linearize import SHAPE_ONLY, constant_like
from .manager import register_pass

# Operators whose outputs "dots" saves: the expensive ones (like jax.checkpoint_policies.
# dots_saveable); recomputing the cheap element-wise work between them is what pays.
DOTS = frozenset({"dot", "_np_dot", "batch_dot", "FullyConnected", "Convolution",
                  "Deconvolution"})


def _policy(policy: str, every: int) -> Callable[[int, Node], bool]:
    if policy == "dots":
        return lambda k, node: node.op in DOTS
    if policy == "every":
        if every < 1:
            raise MXNetError("checkpoint: policy 'every' needs every >= 1, got %d" % every)
        return lambda k, node: (k + 1) % every == 0
    if policy == "nothing":
        return lambda k, node: False
    if policy == "everything":
        return lambda k, node: True
    raise MXNetError("checkpoint: unknown policy %r (dots, every, nothing, everything)"
                     % (policy,))


@register_pass("checkpoint")
def checkpoint(graph: Graph, policy: str = "dots", every: int = 0,
               forward_nodes: Optional[int] = None) -> Graph:
    """Recompute unsaved forward values in the backward instead of keeping them alive.

    - `policy`: "dots" (save the outputs of matrix products and convolutions), "every"
      (save the outputs of every `every`-th forward node), "nothing" (save only the
      graph inputs), "everything" (change nothing);
    - `forward_nodes`: how many leading nodes are the forward (default:
      `graph.meta["forward_nodes"]`, which the `grad` pass sets).

    Guarantees: same inputs and outputs, same results. The forward nodes come first,
    unchanged; a `zeros_like`/`ones_like` of a forward value becomes a `_full`
    constant; each backward node that read an unsaved forward value reads a recomputed
    copy instead, emitted before its first use (once, then shared) by copies of the
    forward nodes between it and saved values or graph inputs, stamped
    `meta["recompute_of"]`. Nodes left dead are dropped. A random or callback node is
    always saved, never recomputed (a copy would draw other numbers).
    """
    if forward_nodes is None:
        forward_nodes = graph.meta.get("forward_nodes")
        if forward_nodes is None:
            raise MXNetError("checkpoint: the graph does not say where its forward ends "
                             "(give forward_nodes, or use a graph from the grad pass)")
    saves = _policy(policy, every)
    forward, backward = graph.nodes[:forward_nodes], graph.nodes[forward_nodes:]
    producer: Dict[Value, Node] = {}
    saved: Set[Value] = set(graph.inputs)
    for k, node in enumerate(forward):
        for v in node.outputs:
            producer[v] = node
        opdef = REGISTRY._ops.get(node.op)
        if (saves(k, node) or node.region is not None or node.op == "_CustomFunction"
                or (opdef is not None and opdef.effects - {"train_mode"})):
            saved.update(node.outputs)
    copies: Dict[Value, Value] = {}
    nodes: List[Node] = list(forward)
    for node in backward:
        if node.op in SHAPE_ONLY and node.inputs[0] in producer:
            # reads only the type: a constant, which keeps nothing alive
            b = Builder()
            constant_like(b, node)
            full = b.nodes[0]
            nodes.append(Node(full.op, (), node.outputs, full.attrs, None, node.meta))
            continue
        for v in node.inputs:
            if v in producer and v not in saved and v not in copies:
                _recompute(v, producer, saved, copies, nodes)
        if any(v in copies for v in node.inputs):
            node = Node(node.op, [copies.get(v, v) for v in node.inputs], node.outputs,
                        node.attrs, node.region, node.meta)
        nodes.append(node)
    result = dce(Graph(graph.name, graph.inputs, nodes, graph.outputs, dict(graph.meta)))
    kept = set(result.nodes)
    result.meta["forward_nodes"] = sum(1 for n in forward if n in kept)
    return result


def _recompute(v: Value, producer: Dict[Value, Node], saved: Set[Value],
               copies: Dict[Value, Value], nodes: List[Node]) -> None:
    """Emit copies of the forward nodes computing `v` from saved values (iteratively)."""
    stack = [producer[v]]
    while stack:
        node = stack[-1]
        missing = [u for u in node.inputs
                   if u in producer and u not in saved and u not in copies
                   and producer[u] not in stack]
        if missing:
            stack.append(producer[missing[0]])
            continue
        stack.pop()
        if node.outputs[0] in copies:
            continue
        outs = [Value(o.type, o.hint) for o in node.outputs]
        nodes.append(Node(node.op, [copies.get(u, u) for u in node.inputs], outs,
                          node.attrs, node.region, {"recompute_of": node}))
        for o, c in zip(node.outputs, outs):
            copies[o] = c

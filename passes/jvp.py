"""The forward-mode pass: `jvp(graph)` computes the outputs and their tangents.

Each node's tangent comes from its operator's JVP rule (`OpDef.jvp_rule`, declared beside
the VJP rule in `ir/ops/*.py`). An operator without one gets a rule derived exactly from
its VJP rule by "transposing the transpose":

    the VJP rule computes  vjp(u) = J^T u,  which is linear in the cotangent u, so
    <vjp(u), t> = <J^T u, t> = <u, J t>  and  J t = d/du <vjp(u), t>.

So the derived rule emits the VJP rule at a placeholder cotangent u (zeros: the value
does not matter, the result is linear in u), pairs it with the input tangents,
`s = sum_i sum(vjp_i(u) * t_i)`, and differentiates `s` with respect to `u` with the
`grad` pass itself. Every node it emits is a registered, differentiable operator, so the
result can be differentiated again in either mode, to any order.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence

from ..ir import REGISTRY, Builder, Graph, Node, Value, is_float
from .dce import dce
from .grad import grad, non_differentiable_error
from .manager import register_pass


@register_pass("jvp")
def jvp(graph: Graph, wrt: Optional[Sequence[int]] = None, name: Optional[str] = None) -> Graph:
    """Forward-mode derivative of `graph` along tangents of some of its inputs.

    - `wrt`: indices into `graph.inputs` that get a tangent (default: every
      floating-point input).

    Guarantees: the result's inputs are `graph.inputs` (the same Value objects) followed
    by one tangent input per `wrt` entry (same type, hint `t_<name>`); its outputs are
    `graph.outputs` followed by one tangent per output (a `zeros_like` node where the
    tangent is identically zero). Its nodes are `graph.nodes` in their order, each
    followed by the tangent nodes of that node, stamped `meta["jvp_of"]` with it (and
    `meta["jvp_rule"] = "derived"` where the rule was derived from the VJP); tangent
    nodes no output needs are dropped. The tangent part is linear in the tangent
    inputs. Only registered operators are emitted, so `jvp(jvp(g))` and `grad(jvp(g))`
    work. A node without a VJP or JVP rule on the tangent's path raises
    NonDifferentiableError.
    """
    if wrt is None:
        wrt = [i for i, v in enumerate(graph.inputs) if is_float(v.type.dtype)]
    wrt = list(wrt)
    tangent_inputs = []
    tan: Dict[Value, Value] = {}
    for i in wrt:
        v = graph.inputs[i]
        t_in = Value(v.type, "t_" + (v.hint or "in%d" % i))
        tangent_inputs.append(t_in)
        tan[v] = t_in
    b = Builder()
    for node in graph.nodes:
        b.add(node)
        ts = [tan.get(v) for v in node.inputs]
        if all(t is None for t in ts):
            continue
        b.meta = {"jvp_of": node}
        outs = node_tangents(b, graph, node, ts)
        b.meta = None
        for v, t in zip(node.outputs, outs):
            if t is None:
                continue
            if t.type is not v.type:
                raise AssertionError("JVP rule of %s gave %s for an output of type %s"
                                     % (node.op, t.type, v.type))
            tan[v] = t
    b.meta = None
    tangent_outputs = []
    for i, out in enumerate(graph.outputs):
        t = tan.get(out)
        if t is None:
            b.meta = {"zero_tangent_of": i}
            t = b.op("zeros_like", out)
            b.meta = None
        tangent_outputs.append(t)
    result = Graph(name or "jvp_" + graph.name, list(graph.inputs) + tangent_inputs, b.nodes,
                   list(graph.outputs) + tangent_outputs,
                   meta={"num_tangent_inputs": len(tangent_inputs)})
    return dce(result)


def node_tangents(b: Builder, graph: Graph, node: Node, ts: List[Optional[Value]]
                  ) -> List[Optional[Value]]:
    """The output tangents of `node` for input tangents `ts`, emitted with `b`."""
    opdef = REGISTRY.get(node.op)
    ts = [t if t is not None and is_float(v.type.dtype) else None
          for v, t in zip(node.inputs, ts)]
    if all(t is None for t in ts):
        return [None] * len(node.outputs)
    if opdef.jvp_rule is not None:
        b.needed = tuple(t is not None for t in ts)
        try:
            out = list(opdef.jvp_rule(b, node, ts))
        finally:
            b.needed = None
    elif opdef.vjp is not None:
        b.meta = dict(b.meta or {}, jvp_rule="derived")
        out = derived_jvp(b, node, ts)
    else:
        raise non_differentiable_error(graph, node)
    if len(out) != len(node.outputs):
        raise AssertionError("JVP rule of %s returned %d tangents for %d outputs"
                             % (node.op, len(out), len(node.outputs)))
    return out


def derived_jvp(b: Builder, node: Node, ts: Sequence[Optional[Value]]
                ) -> List[Optional[Value]]:
    """J t as the gradient, with respect to the cotangent u, of <vjp(u), t>."""
    opdef = REGISTRY.get(node.op)
    outs = list(node.outputs)
    us = [b.op("zeros_like", v) for v in outs]  # any u would do: vjp is linear in it
    sub = Builder()
    sub.meta = b.meta
    sub.needed = tuple(t is not None for t in ts)
    sub.differentiate = grad  # (a region operator's rule differentiates its region)
    assert opdef.vjp is not None, node.op  # (only asked of differentiable operators)
    cts = opdef.vjp(sub, node, list(us))
    s = None
    for ct, t in zip(cts, ts):
        if ct is None or t is None:
            continue
        term = sub.op("sum", sub.op("elemwise_mul", ct, t))
        s = term if s is None else sub.op("elemwise_add", s, term)
    if s is None:
        return [None] * len(outs)
    defined = {v for n in sub.nodes for v in n.outputs}
    free: List[Value] = []
    seen = set(us)
    for n in sub.nodes:
        for v in n.inputs:
            if v not in defined and v not in seen:
                seen.add(v)
                free.append(v)
    wrt = [i for i, v in enumerate(outs) if is_float(v.type.dtype)]
    pairing = Graph("pairing", us + free, sub.nodes, [s])
    g = grad(pairing, wrt=wrt, head_grads="input")
    for n in sub.nodes:
        b.add(n)
    head = g.inputs[-1]
    one = b.op("_full", shape=head.type.shape, dtype=head.type.dtype, value=1.0)
    rename = {head: one}
    producer: Dict[Value, Node] = {}
    for n in g.nodes[len(sub.nodes):]:
        new = Node(n.op, [rename.get(v, v) for v in n.inputs], n.outputs, n.attrs, n.region,
                   dict(b.meta or {}, **{k: v for k, v in (n.meta or {}).items()
                                         if k != "vjp_of"}))
        b.add(new)
        for v in n.outputs:
            producer[v] = new
    result: List[Optional[Value]] = [None] * len(outs)
    for i, gv in zip(wrt, g.outputs):
        p = producer.get(gv)
        if p is not None and p.op == "zeros_like" and p.inputs[0] in us:
            continue  # identically zero
        result[i] = rename.get(gv, gv)
    return result

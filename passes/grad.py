"""The gradient pass: reverse-mode differentiation of a Graph into a Graph.

Applied to its own output it gives higher-order gradients, because every gradient rule
emits ordinary registered operators.
"""
from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Union

from ..ir import (REGISTRY, Builder, Graph, NonDifferentiableError, Value, format_node,
                  is_float)
from ..ir.printer import Namer
from .manager import register_pass

HeadSpec = Union[str, Sequence[str]]


def _node_line(graph: Graph, node) -> str:
    namer = Namer()
    for i, v in enumerate(graph.inputs):
        namer.input(v, i)
    for n in graph.nodes:
        if n is node:
            return format_node(n, namer)
        for v in n.outputs:
            namer.output(v)
    return format_node(node, namer)


def non_differentiable_error(graph: Graph, node) -> NonDifferentiableError:
    """The error MXNet users know, naming the node's printed line."""
    return NonDifferentiableError(
        "Operator %s is non-differentiable because it didn't register FGradient attribute. "
        "(while differentiating: %s)" % (node.op, _node_line(graph, node)))


@register_pass("grad")
def grad(graph: Graph, wrt: Optional[Sequence[int]] = None, head_grads: HeadSpec = "ones",
         keep_outputs: bool = False, name: Optional[str] = None) -> Graph:
    """Reverse-mode gradient of `graph`'s outputs with respect to some of its inputs.

    - `wrt`: indices into `graph.inputs` (default: every floating-point input);
    - `head_grads`: per output `"ones"` (a `ones_like` node), `"input"` (a new graph
      input appended after the original inputs) or `"zero"`; one string applies to all.

    Guarantees: the result's inputs are `graph.inputs` (the same Value objects) followed
    by the head-gradient inputs; its nodes are `graph.nodes` unchanged followed by the
    backward nodes, each stamped `meta["vjp_of"]` with the forward node it came from; its
    outputs are the gradients for `wrt` in order (preceded by the original outputs when
    `keep_outputs`). A gradient that is identically zero is a `zeros_like` node. Only
    registered operators are emitted, so `grad(grad(g))` works. Differentiating through
    an operator without a gradient rule raises NonDifferentiableError.
    """
    if wrt is None:
        wrt = [i for i, v in enumerate(graph.inputs) if is_float(v.type.dtype)]
    wrt = list(wrt)
    specs = [head_grads] * len(graph.outputs) if isinstance(head_grads, str) else list(head_grads)
    if len(specs) != len(graph.outputs):
        raise ValueError("grad: %d head-gradient specs for %d outputs"
                         % (len(specs), len(graph.outputs)))
    wrt_values = [graph.inputs[i] for i in wrt]
    needs: Set[Value] = set(wrt_values)
    for node in graph.nodes:
        for v in node.inputs:
            if v in needs:
                needs.update(node.outputs)
                break

    b = Builder()
    b.differentiate = grad  # the rule of a region operator differentiates its region
    head_inputs: List[Value] = []
    ct: Dict[Value, Value] = {}

    def accumulate(v: Value, g: Value) -> None:
        prev = ct.get(v)
        ct[v] = g if prev is None else b.op("elemwise_add", prev, g)

    for i, (out, spec) in enumerate(zip(graph.outputs, specs)):
        if spec == "input":
            h = Value(out.type, "head_grad%d" % i)
            head_inputs.append(h)
        elif spec == "ones":
            if out not in needs:
                continue
            b.meta = {"head_grad_of": i}
            h = b.op("ones_like", out)
        elif spec == "zero":
            continue
        else:
            raise ValueError("grad: unknown head-gradient spec %r" % (spec,))
        if out in needs:
            accumulate(out, h)

    for node in reversed(graph.nodes):
        cts = [ct.get(v) for v in node.outputs]
        if all(c is None for c in cts) or not any(v in needs for v in node.inputs):
            continue
        opdef = REGISTRY.get(node.op)
        if opdef.vjp is None:
            raise non_differentiable_error(graph, node)
        b.meta = {"vjp_of": node}
        # Which inputs need a cotangent: a rule may skip the others (a region's rule
        # must not differentiate parts of its body that no wanted gradient reaches).
        b.needed = tuple(v in needs for v in node.inputs)
        if len(cts) > 1 and node.region is None:  # (a region's rule takes None as zero)
            cts = [c if c is not None else b.op("zeros_like", v) for v, c in zip(node.outputs, cts)]
        in_cts = opdef.vjp(b, node, cts)
        if len(in_cts) != len(node.inputs):
            raise AssertionError("gradient rule of %s returned %d cotangents for %d inputs"
                                 % (node.op, len(in_cts), len(node.inputs)))
        for v, g in zip(node.inputs, in_cts):
            if g is None or v not in needs:
                continue
            if g.type is not v.type:
                raise AssertionError("gradient rule of %s gave %s for an input of type %s"
                                     % (node.op, g.type, v.type))
            accumulate(v, g)

    grads = []
    for v in wrt_values:
        g = ct.get(v)
        if g is None:
            b.meta = {"zero_grad_of": v}
            g = b.op("zeros_like", v)
        grads.append(g)
    outputs = (list(graph.outputs) if keep_outputs else []) + grads
    result = Graph(name or "grad_" + graph.name, list(graph.inputs) + head_inputs,
                   list(graph.nodes) + b.nodes, outputs,
                   meta={"forward_nodes": len(graph.nodes), "num_head_inputs": len(head_inputs)})
    return result

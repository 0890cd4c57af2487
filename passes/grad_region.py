"""The `_grad_region` operator: a recorded gradient computation as ONE node.

`autograd.grad(..., create_graph=True)` must record how the gradients were computed so
they can be differentiated again. Rather than re-running the backward graph operator by
operator through the recording machinery, the engine runs its compiled plan once and
records one `_grad_region` node whose `region` is that backward graph (operator level,
as the `dce, cse, simplify` pipeline left it) and whose inputs are the region's inputs:
the recorded forward values and head gradients it reads, and every leaf of the forward
graph (so a constant gradient stays linked to the variables, as in MXNet).

Differentiating the node differentiates its region (the same rule as `fused`): the
second-order backward is derived by the ordinary gradient pass and cached like any
other plan. The `inline` pass replaces the node by its region wherever users expect the
operator-level graph (`get_symbol`, exports, pictures).
"""
from __future__ import annotations

from typing import Dict, List, Optional

from ..ir import REGISTRY, Node, OpDef, ShapeError, Value, is_float
from ..ir.errors import MXNetError

GRAD_REGION = "_grad_region"


def _kernel(*arrays, **attrs):
    raise MXNetError("a _grad_region node runs through tapegraph.runtime (its region is "
                     "compiled to a plan); it has no stand-alone kernel")


def _infer(ins, attrs):
    raise ShapeError("_grad_region: the output types are those of its region; these nodes "
                     "are recorded by autograd.grad(create_graph=True), not by Builder.op")


def _vjp(b, node: Node, cts: List[Optional[Value]]) -> List[Optional[Value]]:
    """Differentiate the region with respect to the inputs the caller needs
    (`b.needed`, set by the gradient pass; all floating-point inputs when absent) and
    inline the result. The region's forward nodes are recomputed where the backward
    needs an intermediate value; DCE drops whatever is not used."""
    from .grad import grad
    region = node.region
    needed = getattr(b, "needed", None)
    wrt = [i for i, v in enumerate(region.inputs) if is_float(v.type.dtype)
           and (needed is None or needed[i])]
    if not wrt or all(c is None for c in cts):
        return [None] * len(node.inputs)
    specs = ["input" if c is not None else "zero" for c in cts]
    g = grad(region, wrt=wrt, head_grads=specs)
    env: Dict[Value, Value] = dict(zip(region.inputs, node.inputs))
    env.update(zip(g.inputs[len(region.inputs):], [c for c in cts if c is not None]))
    outer_of_output: Dict[Value, Value] = {}
    for v, o in zip(region.outputs, node.outputs):
        outer_of_output.setdefault(v, o)
    for n in g.nodes:
        if n.meta and "zero_grad_of" in n.meta:
            continue
        if n.outputs and all(v in outer_of_output for v in n.outputs):
            for v in n.outputs:  # the node already computed these
                env[v] = outer_of_output[v]
            continue
        outs = tuple(Value(v.type) for v in n.outputs)
        b.add(Node(n.op, tuple(env[v] for v in n.inputs), outs, n.attrs, n.region,
                   dict(b.meta) if b.meta else None))
        env.update(zip(n.outputs, outs))
    # A gradient no cotangent reaches is a symbolic zero, not a zeros_like node: a
    # materialised zero would still be multiplied through later rules (0 * inf = nan).
    zero = {n.outputs[0] for n in g.nodes[len(region.nodes):]
            if n.meta and "zero_grad_of" in n.meta}
    result: List[Optional[Value]] = [None] * len(node.inputs)
    for i, gv in zip(wrt, g.outputs):
        if gv not in zero:
            result[i] = env[gv]
    return result


GRAD_REGION_OP = REGISTRY.add(OpDef(
    GRAD_REGION, _kernel, _infer, num_inputs=None, num_outputs=None, vjp=_vjp,
    doc="A gradient computation recorded by autograd.grad(create_graph=True) "
        "(see `region`)."))

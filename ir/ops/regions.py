"""Operators holding a region (a nested Graph) instead of a kernel.

- `fused`: a group of element-wise operators. The `fuse` pass creates these nodes; the
  runtime compiles each region into one generated NumPy function (runtime.fusion); the
  kernel may write its outputs into given buffers (`writes_into`).
- `_grad_region`: a recorded gradient computation as ONE node.
  `autograd.grad(..., create_graph=True)` must record how the gradients were computed so
  they can be differentiated again. Rather than re-running the backward graph operator
  by operator, the frontend runs its compiled plan once and records one `_grad_region`
  node whose `region` is that backward graph (operator level) and whose inputs are the
  region's inputs: the recorded forward values and head gradients it reads, and every
  leaf of the forward graph (so a constant gradient stays linked to the variables, as in
  MXNet). The `inline` pass replaces the node by its region wherever users expect the
  operator-level graph (`get_symbol`, exports, pictures).

Differentiating either node differentiates its region (`region_vjp`): the second-order
backward is derived by the ordinary gradient pass and cached like any other plan.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.graph import Graph, Node, Value
from tapegraph.ir.registry import REGISTRY, OpDef
from tapegraph.ir.types import is_float


def region_operator(name: str, compiled: str, made_by: str, doc: str, **flags: Any) -> OpDef:
    """Register an operator holding a region (`fused`, `_grad_region`): it has no kernel
    nor shape rule of its own (the runtime compiles its region, `compiled` says how; its
    types are the region's; `made_by` says what creates such nodes) and its gradient
    rule is `region_vjp`."""
    def kernel(*arrays, **attrs):
        raise MXNetError("a %s node runs through tapegraph.runtime (its region is compiled "
                         "%s); it has no stand-alone kernel" % (name, compiled))

    def infer(ins, attrs):
        raise ShapeError("%s: the output types of a %s node are those of its region; %s, "
                         "not by Builder.op" % (name, name, made_by))

    return REGISTRY.add(OpDef(name, kernel, infer, num_inputs=None, num_outputs=None,
                              vjp=region_vjp, doc=doc, **flags))


def region_vjp(b, node: Node, cts: List[Optional[Value]]) -> List[Optional[Value]]:
    """The gradient rule of every operator holding a region (`fused`, `_grad_region`):
    differentiate the region with respect to the inputs the caller needs (`b.needed`,
    set by the gradient pass; all floating-point inputs when absent) with the gradient
    pass that is running (`b.differentiate`) and inline the result. The region's forward
    nodes are recomputed where the backward needs an intermediate value (the node only
    kept its outputs); DCE drops what is not used."""
    region = node.region
    assert region is not None, "a region operator's node holds its region"
    needed = getattr(b, "needed", None)
    wrt = [i for i, v in enumerate(region.inputs) if is_float(v.type.dtype)
           and (needed is None or needed[i])]
    if not wrt or all(c is None for c in cts):
        return [None] * len(node.inputs)
    if b.differentiate is None:
        raise MXNetError("the gradient of a %s node differentiates its region: build it with "
                         "the gradient pass (tapegraph.passes.grad)" % node.op)
    # only the outputs a cotangent reaches (a zero one would add zeros to the result)
    reached = Graph(region.name, region.inputs, region.nodes,
                    [v for v, c in zip(region.outputs, cts) if c is not None], region.meta)
    g = b.differentiate(reached, wrt=wrt, head_grads="input")
    env: Dict[Value, Value] = dict(zip(region.inputs, node.inputs))
    env.update(zip(g.inputs[len(region.inputs):], [c for c in cts if c is not None]))
    first = len(region.nodes)  # g's nodes from here on differentiate the region's steps
    outer_of_output: Dict[Value, Value] = {}
    for v, o in zip(region.outputs, node.outputs):
        outer_of_output.setdefault(v, o)
    for k, n in enumerate(g.nodes):
        if n.meta and "zero_grad_of" in n.meta:
            continue
        if n.outputs and all(v in outer_of_output for v in n.outputs):
            for v in n.outputs:  # the node already computed these
                env[v] = outer_of_output[v]
            continue
        outs = tuple(Value(v.type) for v in n.outputs)
        b.add(Node(n.op, tuple(env[v] for v in n.inputs), outs, n.attrs, n.region,
                   _provenance(b.meta, n, node, k >= first)))
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


def _provenance(meta, inner: Node, region_node: Node, derived: bool):
    """A node the region's gradient adds names the step of the region it differentiates
    (`vjp_of`: for a recorded first-order gradient, the first-order step), and the region
    node (`region_of`); a recomputed step of the region keeps its own provenance."""
    if not meta:
        return None
    stamp = dict(meta)
    step = inner.meta.get("vjp_of") if inner.meta and derived else None
    if step is not None:
        stamp["vjp_of"] = step
        stamp["region_of"] = region_node
    return stamp


FUSED = region_operator("fused", "by runtime.fusion", "fused nodes are built by the fuse pass",
                        "A group of element-wise operators (see `region`).", writes_into=True)

GRAD_REGION = "_grad_region"
GRAD_REGION_OP = region_operator(
    GRAD_REGION, "to a plan", "these nodes are recorded by autograd.grad(create_graph=True)",
    "A gradient computation recorded by autograd.grad(create_graph=True) (see `region`).")


def region_of(node: Node) -> Graph:
    """The region of a fused node (raises for any other node)."""
    if node.region is None:
        raise MXNetError("node %s holds no region" % node.op)
    return node.region


CACHED_OP = "_CachedOp"
# A hybridized Gluon block's forward as ONE node: `HybridBlock.hybridize()` traces the
# forward once per input signature into a graph; each later call under
# `autograd.record()` records one `_CachedOp` node whose region is that graph and whose
# inputs are the block's inputs, parameters, Dropout masks and captured constants. The
# runtime runs the region through a plan; `inline` shows the node as its operators.
CACHED_OP_OP = region_operator(
    CACHED_OP, "to a plan", "these nodes are recorded by hybridized Gluon blocks",
    "A hybridized Gluon block's forward recorded as one node (see `region`).")


CHECKPOINT = "_checkpoint"
# A function marked by `tapegraph.transforms.checkpoint` as ONE node: its region is the
# function's graph, whose outputs are the function's results followed by the
# intermediates its policy saves (`attrs["policy"]`, `attrs["num_results"]`). Its
# gradient, like every region's (`region_vjp`), recomputes in the backward the region's
# intermediates it did not keep; the `checkpoint` pass saves its outputs.
CHECKPOINT_OP = region_operator(
    CHECKPOINT, "to a plan", "these nodes are recorded by tapegraph.transforms.checkpoint",
    "A function whose intermediates the backward recomputes instead of saving, recorded "
    "by tapegraph.transforms.checkpoint (see `region`).",
    attrs={"policy": "nothing", "num_results": 1})

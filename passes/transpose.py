"""The `transpose` pass: the transpose of a linear graph.

A graph that is linear in some of its inputs computes y = L x (the other inputs are
constants). Its transpose computes x̄ = L^T ȳ. Each node is transposed by its operator's
transpose rule: for an operator that is linear in the inputs being transposed, that is
its VJP rule (the VJP of a linear map is its transpose), so no operator needs a second
rule; `LINEAR` says in which inputs each operator is linear, and the pass refuses a node
that is not (e.g. `elemwise_mul` of two linear values, or `exp` of one).

With `linearize`, this gives reverse mode as two separate program transformations:
VJP = transpose(linearize(f)), compared with the direct `grad` pass in the tests.
"""
from __future__ import annotations

from typing import Callable, Dict, List, Optional, Sequence, Set

from ..ir import REGISTRY, Builder, Graph, MXNetError, Node, Value, is_float
from .dce import dce
from .grad import grad
from .linearize import SHAPE_ONLY, constant_like
from .manager import register_pass


def _jointly(*positions: int) -> Callable[[Node, Sequence[bool]], bool]:
    """Linear in the inputs at `positions` together (the others must be constants)."""
    def ok(node: Node, lin: Sequence[bool]) -> bool:
        return not any(f for i, f in enumerate(lin) if i not in positions)
    return ok


def _all(node: Node, lin: Sequence[bool]) -> bool:
    return True


def _one_of(*positions: int, bias: Optional[int] = None):
    """Multilinear in `positions`: linear when exactly one of them is linear (a `bias`
    input is linear together with it)."""
    def ok(node: Node, lin: Sequence[bool]) -> bool:
        hits = [i for i, f in enumerate(lin) if f]
        multi = [i for i in hits if i in positions]
        return len(multi) <= 1 and all(i in positions or i == bias for i in hits)
    return ok


def _pooling(node: Node, lin: Sequence[bool]) -> bool:
    return node.attrs.get("pool_type") in ("avg", "sum")


def _pad(node: Node, lin: Sequence[bool]) -> bool:
    return node.attrs.get("mode") != "constant" or float(node.attrs["constant_value"]) == 0.0


LINEAR: Dict[str, Callable[[Node, Sequence[bool]], bool]] = {}
for _name in ("negative", "_copy", "elemwise_add", "elemwise_sub", "_mul_scalar",
              "_div_scalar", "degrees", "radians", "sum", "mean", "cumsum", "Reshape",
              "transpose", "broadcast_to", "slice", "_slice_scatter", "SliceChannel",
              "Concat", "stack", "expand_dims", "squeeze", "Flatten", "slice_axis", "tile",
              "repeat", "reverse", "SwapAxis", "Cast", "UpSampling", "_linalg_tril",
              "_linalg_extractdiag", "_linalg_makediag", "_linalg_extracttrian",
              "_linalg_maketrian"):
    LINEAR[_name] = _all
for _name in ("take", "_take_scatter", "pick", "_pick_scatter", "_take_along_axis",
              "_put_along_axis", "Dropout", "SequenceLast", "_sequence_last_scatter",
              "SequenceReverse"):
    LINEAR[_name] = _jointly(0)
LINEAR["Embedding"] = _jointly(1)
LINEAR["_linalg_trsm"] = _jointly(1)  # a solve against a constant triangular matrix
LINEAR["where"] = _jointly(1, 2)
LINEAR["SequenceMask"] = lambda node, lin: (float(node.attrs["value"]) == 0.0
                                            and not any(lin[1:]))  # else affine
LINEAR["elemwise_mul"] = _one_of(0, 1)
LINEAR["elemwise_div"] = _jointly(0)
for _name in ("dot", "_np_dot", "batch_dot", "_linalg_gemm2", "_linalg_trmm"):
    LINEAR[_name] = _one_of(0, 1)
for _name in ("FullyConnected", "Convolution", "Deconvolution", "_linalg_gemm"):
    LINEAR[_name] = _one_of(0, 1, bias=2)
for _name in ("_im2col", "_col2im", "_pool_scatter", "_contrib_ROIAlign", "_roi_align_scatter",
              "_contrib_PSROIPooling", "_psroi_pooling_scatter", "_contrib_RROIAlign",
              "_rroi_align_scatter"):
    LINEAR[_name] = _jointly(0)
for _name in ("_pool_max_scatter", "_pool_max_gather"):
    LINEAR[_name] = _jointly(1)
LINEAR["_conv_weight_grad"] = _one_of(0, 1)
LINEAR["Pooling"] = _pooling
LINEAR["LeakyReLU"] = lambda node, lin: node.attrs["act_type"] == "prelu" and not lin[0]
LINEAR["Pad"] = _pad
# (x - mean) / std per channel: linear when the means are zero (its gradient, and tangent)
LINEAR["_image_normalize"] = lambda node, lin: not any(
    float(m) for m in (node.attrs["mean"] if isinstance(node.attrs["mean"], (tuple, list))
                       else (node.attrs["mean"],)))


def is_linear(node: Node, lin: Sequence[bool]) -> bool:
    """Whether `node` is linear in the inputs flagged by `lin` (the rest constant)."""
    check = LINEAR.get(node.op)
    return check is not None and check(node, lin)


@register_pass("transpose")
def transpose(graph: Graph, linear: Optional[Sequence[int]] = None,
              name: Optional[str] = None) -> Graph:
    """The transpose of `graph`, which must be linear in the inputs at `linear`.

    - `linear`: indices of the linear inputs (default: the inputs after
      `graph.meta["num_residuals"]` when `linearize` made the graph, else every float
      input).

    Guarantees: the result's inputs are the constant (non-linear) inputs, same Values, in
    order, followed by one cotangent input per output (hint `ct<i>`); its outputs are the
    cotangents of the linear inputs in order (a `_full` zero where nothing reaches one).
    No result node reads a linear value. Transposing twice gives back a graph computing
    the same linear map. A node that is not linear in its linear inputs raises
    MXNetError naming it.
    """
    if linear is None:
        k = graph.meta.get("num_residuals")
        linear = (range(k, len(graph.inputs)) if k is not None else
                  [i for i, v in enumerate(graph.inputs) if is_float(v.type.dtype)])
    linear = list(linear)
    lin: Set[Value] = {graph.inputs[i] for i in linear}
    b = Builder()
    b.differentiate = grad  # (a region operator's rule differentiates its region)
    lin_nodes: List[Node] = []
    for node in graph.nodes:
        flags = [v in lin for v in node.inputs]
        if not any(flags):
            b.add(node)
        elif node.op in SHAPE_ONLY:
            b.meta = node.meta
            out = constant_like(b, node)
            b.meta = None
            b.add(Node("_copy", [out], node.outputs, {}, None, node.meta))
        elif is_linear(node, flags):
            lin_nodes.append(node)
            lin.update(node.outputs)
        else:
            raise MXNetError("transpose: %s is not linear in its input(s) %s, which depend "
                             "on the linear inputs" % (node.op, [i for i, f in
                                                                 enumerate(flags) if f]))
    ct_inputs = [Value(v.type, "ct%d" % i) for i, v in enumerate(graph.outputs)]
    ct: Dict[Value, Value] = {}

    def accumulate(v: Value, g: Value) -> None:
        prev = ct.get(v)
        ct[v] = g if prev is None else b.op("elemwise_add", prev, g)

    for v, c in zip(graph.outputs, ct_inputs):
        if v in lin:
            accumulate(v, c)
    for node in reversed(lin_nodes):
        cts = [ct.get(v) for v in node.outputs]
        if all(c is None for c in cts):
            continue
        b.meta = {"transpose_of": node}
        if len(cts) > 1:
            cts = [c if c is not None else _zeros(b, v) for v, c in zip(node.outputs, cts)]
        b.needed = tuple(v in lin for v in node.inputs)
        vjp = REGISTRY.get(node.op).vjp
        assert vjp is not None, node.op  # (linear operators are differentiable)
        in_cts = vjp(b, node, cts)
        b.needed = None
        for v, g in zip(node.inputs, in_cts):
            if g is not None and v in lin:
                accumulate(v, g)
    b.meta = None
    outputs = [ct.get(graph.inputs[i]) or _zeros(b, graph.inputs[i]) for i in linear]
    constants = [v for i, v in enumerate(graph.inputs) if i not in set(linear)]
    result = dce(Graph(name or "transpose_" + graph.name, constants + ct_inputs, b.nodes,
                       outputs))
    return _without_linear_reads(result, lin)


def _zeros(b: Builder, v: Value) -> Value:
    return b.op("_full", shape=v.type.shape, dtype=v.type.dtype, value=0.0)


def _without_linear_reads(graph: Graph, lin: Set[Value]) -> Graph:
    """Replace shape-only reads of linear values (a rule's `zeros_like(y)`) by `_full`;
    any other read means a rule needed a linear value: not a transpose."""
    b = Builder()
    rename: Dict[Value, Value] = {}
    for node in graph.nodes:
        if any(v in lin for v in node.inputs):
            if node.op not in SHAPE_ONLY:
                raise MXNetError("transpose: the rule of %s reads a linear value"
                                 % ((node.meta or {}).get("transpose_of", node).op,))
            b.meta = node.meta
            rename[node.outputs[0]] = constant_like(b, node)
            b.meta = None
            continue
        if any(v in rename for v in node.inputs):
            node = Node(node.op, [rename.get(v, v) for v in node.inputs], node.outputs,
                        node.attrs, node.region, node.meta)
        b.add(node)
    if not rename:
        return graph
    return Graph(graph.name, graph.inputs, b.nodes, [rename.get(v, v) for v in graph.outputs])

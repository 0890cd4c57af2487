"""relu's gradient mask on the pooled side: the backward of `Pooling(max)(relu(x))` masks
the pooled cotangent, then routes it to the windows' maxima of `x`."""
from __future__ import annotations

from typing import Dict, Optional, Tuple

from ..ir import Builder, Graph, Node, Value, attrs_key
from .manager import register_pass
from .pool_first import windows_read_input
from .rewrite import Rewriter

_RELU = {"relu": None, "Activation": "relu"}  # operator -> its act_type (relu)
_WINDOW = ("kernel", "stride", "pad", "global_pool", "pooling_convention")


def _is_relu(node: Optional[Node]) -> bool:
    return (node is not None and node.op in _RELU
            and node.attrs.get("act_type") == _RELU[node.op])


def _window(attrs) -> tuple:
    return attrs_key({k: attrs[k] for k in _WINDOW})


@register_pass("pool-grad-first")
def pool_grad_first(graph: Graph) -> Graph:
    """In a graph holding a forward `p = Pooling(max)(r)`, `r = relu(x)`, and the backward
    relu's gradient rule derives from it, `_pool_max_scatter(r, g) * (r > 0)` (or with the
    mask `x > 0`, which is the same), rewrite
    that product as `_pool_max_scatter(x, g * (p > 0))`: the mask is computed and applied
    on the pooled tensor (a quarter of the elements under 2x2 pooling) and the backward
    stops reading `r`. For a recorded eager forward (all three values exist), where the
    forward cannot be reordered as `pool-first` reorders a hybridized one.

    Guarantees: gradients are unchanged up to the sign of zeros (as for `pool-first`: in
    a window whose maximum is positive the first maxima of `r` and `x` are the same
    element and `p > 0` there; otherwise every entry of the window is zero both ways);
    only poolings whose every window reads input qualify; forward nodes are kept as they
    are; new nodes take the provenance (`meta`) of the product they replace; the graph is
    returned unchanged when nothing matches.
    """
    producer: Dict[Value, Node] = {v: n for n in graph.nodes for v in n.outputs}
    pooled: Dict[Tuple[Value, tuple], Value] = {}
    for n in graph.nodes:
        if (n.op == "Pooling" and n.attrs.get("pool_type") == "max"
                and _is_relu(producer.get(n.inputs[0]))):
            pooled[(n.inputs[0], _window(n.attrs))] = n.outputs[0]
    if not pooled:
        return graph
    rw = Rewriter(graph)
    for node in graph.nodes:
        found = _match(node, producer, pooled) if node.op == "elemwise_mul" else None
        if found is None:
            rw.emit(node)
            continue
        scatter, x, p = found
        b = Builder()
        b.meta = node.meta
        g = b.op("elemwise_mul", rw.get(scatter.inputs[1]),
                 b.op("_greater_scalar", p, scalar=0.0))
        for helper in b.nodes:
            rw.add(helper)
        rw.add(Node("_pool_max_scatter", (rw.get(x), g), node.outputs, scatter.attrs, None,
                    node.meta))
    return rw.result()


def _match(node: Node, producer: Dict[Value, Node], pooled: Dict[Tuple[Value, tuple], Value]
           ) -> Optional[Tuple[Node, Value, Value]]:
    """(the scatter, x, p) when `node` is `_pool_max_scatter(r, g) * (r > 0)`, r = relu(x)
    (or the same masked by `x > 0`), and the forward holds `p`, the max pooling of r with
    the scatter's windows."""
    for a, b in (node.inputs, node.inputs[::-1]):
        scatter, gt = producer.get(a), producer.get(b)
        if (scatter is None or gt is None or scatter.op != "_pool_max_scatter"
                or gt.op != "_greater_scalar" or float(gt.attrs["scalar"]) != 0.0):
            continue
        r = scatter.inputs[0]
        relu = producer.get(r)
        if relu is None or not _is_relu(relu) or gt.inputs[0] not in (r, relu.inputs[0]):
            continue
        p = pooled.get((r, _window(scatter.attrs)))
        if p is not None and windows_read_input(r.type.shape, scatter.attrs):
            return scatter, relu.inputs[0], p
    return None

"""Constant folding: every value known to hold one number becomes one `_full` node."""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from ..ir import REGISTRY, Graph, Node, Value
from .constants import full_node, uniform_value
from .manager import register_pass
from .rewrite import Rewriter


@register_pass("fold")
def fold(graph: Graph) -> Graph:
    """Replace each uniform constant by a `_full` node that reads no data.

    A uniform constant is a value every element of which holds one known number:
    `_full`, `ones_like(v)`, `zeros_like(v)`, their reshapes, broadcasts, transposes and
    other shape operators (fold sees through them), and element-wise operators whose
    inputs are all uniform constants, computed once, on one element, with the operator's
    own kernel. So `ones_like(y) * 2.0 + 1.0`, reshaped and broadcast, becomes ONE
    `_full {value=3.0}` node of the final shape, and no constant keeps a data value alive.

    Guarantees: values are exactly what the kernels compute (the same kernel runs on one
    element of the same dtype); each replaced value keeps its identity (the `_full` node
    defines the same `Value`, so names and provenance survive); random and callback
    operators are never folded; NaN and infinite results are left unfolded.
    """
    rw = Rewriter(graph)
    consts: Dict[Value, float] = {}
    for node in graph.nodes:
        ins = tuple(rw.get(v) for v in node.inputs)
        if node.op != "_full" and len(node.outputs) == 1:
            value = uniform_value(Node(node.op, ins, node.outputs, node.attrs), consts)
            if value is None:
                value = _elementwise_value(node, ins, consts)
            if value is not None and np.isfinite(value):
                consts[node.outputs[0]] = value
                rw.add(full_node(node.outputs[0], value, node.meta))
                continue
        kept = rw.emit(node, ins)
        if kept.op == "_full":
            consts[kept.outputs[0]] = float(kept.attrs["value"])
    return rw.result()


def _elementwise_value(node: Node, ins, consts) -> Optional[float]:
    opdef = REGISTRY._ops.get(node.op)
    if (opdef is None or not opdef.elementwise or opdef.effects
            or node.region is not None or not ins or any(v not in consts for v in ins)):
        return None
    out = node.outputs[0]
    if any(v.type.shape != out.type.shape for v in ins):
        return None
    arrays = [np.full((1,), consts[v], dtype=v.type.dtype) for v in ins]
    try:
        with np.errstate(all="ignore"):
            r = np.asarray(opdef.kernel(*arrays, **node.attrs)).astype(out.type.dtype)
    except Exception:
        return None
    return float(r.reshape(-1)[0])

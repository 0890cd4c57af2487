"""Constant folding of uniform constants."""
from __future__ import annotations

from typing import Dict, Optional

import numpy as np

from ..ir import REGISTRY, Graph, Node, Value
from .constants import uniform_value
from .manager import register_pass
from .rewrite import Rewriter


@register_pass("fold")
def fold(graph: Graph) -> Graph:
    """Evaluate element-wise operators whose inputs are all uniform constants.

    A uniform constant is a value every element of which holds one known number:
    `ones_like(v)`, `zeros_like(v)` and their reshapes, broadcasts and transposes (these
    depend only on a type, never on data). An element-wise node on such inputs is
    computed once, on one element, with the operator's own kernel, and replaced by
    `zeros_like(c)`, `ones_like(c)` or `_plus_scalar(zeros_like(c)) {scalar=r}` where `c`
    is one of its inputs. So `ones_like(y) * 2.0 + 1.0` becomes one constant node.

    Guarantees: values are exactly what the kernels compute (the same kernel runs on one
    element of the same dtype); random and callback operators are never folded; NaN and
    infinite results are left unfolded.
    """
    rw = Rewriter(graph)
    consts: Dict[Value, float] = {}
    # For a constant, a value of its type to build `zeros_like` from, chosen so that the
    # chain of folded constants leaves the intermediate ones dead.
    anchors: Dict[Value, Value] = {}
    for node in graph.nodes:
        ins = tuple(rw.get(v) for v in node.inputs)
        value = _fold_value(node, ins, consts)
        if value is not None:
            anchor = anchors.get(ins[0], ins[0])
            folded = _constant_nodes(anchor, node.outputs[0], value, node.meta)
            anchors[node.outputs[0]] = anchor
            for n in folded:
                rw.add(n)
            consts[node.outputs[0]] = value
            continue
        kept = rw.emit(node, ins)
        c = uniform_value(kept, consts)
        if c is not None:
            consts[kept.outputs[0]] = c
            if kept.op in ("ones_like", "zeros_like"):
                anchors[kept.outputs[0]] = kept.inputs[0]
    return rw.result()


def _fold_value(node: Node, ins, consts) -> Optional[float]:
    opdef = REGISTRY._ops.get(node.op)
    if (opdef is None or not opdef.elementwise or opdef.random or opdef.callback
            or node.region is not None or len(node.outputs) != 1 or not ins):
        return None
    if node.op in ("ones_like", "zeros_like"):
        return None  # already constants
    if any(v not in consts for v in ins):
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
    value = float(r.reshape(-1)[0])
    if not np.isfinite(value):
        return None
    return value


def _constant_nodes(anchor: Value, out: Value, value: float, meta) -> list:
    """Nodes defining `out` as `value` everywhere, built from a value of the same shape."""
    if anchor.type is not out.type:
        anchor_cast = Value(out.type)
        pre = [Node("Cast", (anchor,), (anchor_cast,), {"dtype": out.type.dtype}, None, meta)]
        anchor = anchor_cast
    else:
        pre = []
    if value == 1.0:
        return pre + [Node("ones_like", (anchor,), (out,), {}, None, meta)]
    zero = out if value == 0.0 else Value(out.type)
    nodes = pre + [Node("zeros_like", (anchor,), (zero,), {}, None, meta)]
    if value != 0.0:
        nodes.append(Node("_plus_scalar", (zero,), (out,), {"scalar": value}, None, meta))
    return nodes

"""Which values of a graph are known to hold one number everywhere (uniform constants)."""
from __future__ import annotations

from typing import Dict, Optional

from ..ir import Node, Value

# Operators whose output is uniform when their (first) input is, with the same number.
_SAME_VALUE_OPS = frozenset(["Reshape", "broadcast_to", "transpose", "expand_dims", "_copy",
                             "BlockGrad", "squeeze", "Flatten"])


def uniform_value(node: Node, known: Dict[Value, float]) -> Optional[float]:
    """The number every element of `node`'s single output holds, if it is known.

    `_full`, `ones_like` and `zeros_like` are constants whatever their input holds; shape
    operators keep their input's constant. Element-wise folding is left to the `fold`
    pass, which also turns every uniform constant into one `_full` node.
    """
    if len(node.outputs) != 1:
        return None
    op = node.op
    if op == "_full":
        return float(node.attrs["value"])
    if op == "ones_like":
        return 1.0
    if op == "zeros_like":
        return 0.0
    if op in _SAME_VALUE_OPS and node.inputs:
        return known.get(node.inputs[0])
    return None


def full_node(out: Value, value: float, meta=None) -> Node:
    """The node defining `out` as `value` everywhere (it reads no data)."""
    return Node("_full", (), (out,), {"shape": out.type.shape, "dtype": out.type.dtype,
                                      "value": value}, None, meta)

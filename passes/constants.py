"""Which values of a graph are known to hold one number everywhere (uniform constants)."""
from __future__ import annotations

from typing import Dict, Optional

from ..ir import Node, Value

# Operators whose output is uniform when their (first) input is, with the same number.
_SAME_VALUE_OPS = frozenset(["Reshape", "broadcast_to", "transpose", "expand_dims", "_copy",
                             "BlockGrad"])


def uniform_value(node: Node, known: Dict[Value, float]) -> Optional[float]:
    """The number every element of `node`'s single output holds, if it is known.

    `ones_like` / `zeros_like` are constants whatever their input holds; shape operators
    keep their input's constant. Element-wise folding is left to the `fold` pass.
    """
    if len(node.outputs) != 1:
        return None
    if node.op == "ones_like":
        return 1.0
    if node.op == "zeros_like":
        return 0.0
    if node.op in _SAME_VALUE_OPS and node.inputs:
        return known.get(node.inputs[0])
    if node.op == "_plus_scalar" and known.get(node.inputs[0]) == 0.0:
        return float(node.attrs["scalar"])  # how `fold` writes a constant: exact
    return None

"""Traced values: the IR values recorded operators produce (`TracedValue`) and the leaves
that want gradients (`VariableValue`)."""
from __future__ import annotations

import itertools
from typing import Optional

import numpy as np

from ..ir import Node, TensorType, Value

_SEQUENCE = itertools.count()


class TracedValue(Value):
    """An IR value produced while recording: `node` defines it (None for a leaf) and
    `data` is its computed array, kept for the backward pass."""

    __slots__ = ("node", "data", "seq", "recipe", "tape", "pos")

    def __init__(self, type: TensorType, node: Optional[Node], data: Optional[np.ndarray],
                 hint: Optional[str] = None):
        self.type = type
        self.hint = hint
        self.node = node
        self.data = data
        self.seq = next(_SEQUENCE)  # creation order: sorts recorded nodes topologically
        self.recipe = None  # a pending value's (op, inputs, attrs) once its graph is freed
        self.tape = None  # the Tape this value has position `pos` on, if any


class VariableValue(TracedValue):
    """A leaf that wants a gradient: `grad` (the buffer NDArray), `grad_req`
    ('write', 'add' or 'null'), and `fresh` (MXNet's `_fresh_grad`)."""

    __slots__ = ("grad", "grad_req", "fresh")

    def __init__(self, type: TensorType, data: np.ndarray, grad, grad_req: str):
        TracedValue.__init__(self, type, None, data)
        self.grad = grad
        self.grad_req = grad_req
        self.fresh = False


def type_of(data: np.ndarray) -> TensorType:
    return TensorType.get(data.shape, data.dtype)

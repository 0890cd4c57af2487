"""Operators that create arrays from attributes alone (no inputs, no data dependence)."""
from __future__ import annotations

from typing import Any, Dict, List

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import REQUIRED, register
from tapegraph.ir.types import TensorType


def _full_infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    shape = attrs["shape"]
    if not isinstance(shape, tuple) or not all(isinstance(d, int) and d >= 0 for d in shape):
        raise ShapeError("operator _full: shape must be a tuple of non-negative ints, got %r"
                         % (shape,))
    return [TensorType.get(shape, attrs["dtype"])]


@register("_full", _full_infer, attrs={"shape": REQUIRED, "dtype": "float32",
                                       "value": REQUIRED}, num_inputs=0, mxnet_np="_npi_full")
def full(shape, dtype, value):
    """An array of `shape` and `dtype` holding `value` everywhere. It reads no data, so a
    constant built from it does not keep any other value alive (see the `fold` pass)."""
    return np.full(shape, value, dtype=dtype)

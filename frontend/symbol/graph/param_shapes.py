"""Shapes of parameters that MXNet infers from the data (`infer_shape(data=...)` alone
is enough for an MLP or a CNN): one rule per operator, keyed by input position."""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from ...ir import TensorType

Rule = Callable[[Tuple[int, ...], Dict[str, Any], int], Optional[Tuple[int, ...]]]


def _fully_connected(data, a, pos):
    nh = int(a["num_hidden"])
    k = int(np.prod(data[1:])) if a.get("flatten", True) else data[-1]
    return {1: (nh, k), 2: (nh,), 3: None}.get(pos)


def _convolution(data, a, pos):
    nf, groups = int(a["num_filter"]), int(a.get("num_group", 1))
    return {1: (nf, data[1] // groups) + tuple(a["kernel"]), 2: (nf,)}.get(pos)


def _batch_norm(data, a, pos):
    return (data[int(a.get("axis", 1)) % len(data)],) if 1 <= pos <= 4 else None


def _embedding(data, a, pos):
    return (int(a["input_dim"]), int(a["output_dim"])) if pos == 1 else None


def _softmax_output(data, a, pos):
    return data[:1] if pos == 1 else None


RULES: Dict[str, Rule] = {"FullyConnected": _fully_connected, "Convolution": _convolution,
                          "BatchNorm": _batch_norm, "_contrib_SyncBatchNorm": _batch_norm,
                          "Embedding": _embedding, "SoftmaxOutput": _softmax_output}


def parameter_type(node, position: int, data: TensorType) -> Optional[TensorType]:
    """The type of input `position` of `node` given the type of its data input."""
    rule = RULES.get(node.op)
    if rule is None or position == 0:
        return None
    try:
        shape = rule(data.shape, node.attrs, position)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    return None if shape is None else TensorType.get(tuple(shape), data.dtype)

"""Shapes of parameters that MXNet infers from the data (`infer_shape(data=...)` alone
is enough for an MLP or a CNN): one rule per operator, keyed by input position."""
from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Tuple

import numpy as np

from ...ir import TensorType
from ...ir.recurrent import param_layout

Rule = Callable[[Tuple[int, ...], Dict[str, Any], int], Optional[Tuple[int, ...]]]


def _fully_connected(data, a, pos):
    nh = int(a["num_hidden"])
    k = int(np.prod(data[1:])) if a.get("flatten", True) else data[-1]
    return {1: (nh, k), 2: (nh,), 3: None}.get(pos)


def _convolution(data, a, pos):
    nf, groups = int(a["num_filter"]), int(a.get("num_group", 1))
    return {1: (nf, data[1] // groups) + tuple(a["kernel"]), 2: (nf,)}.get(pos)


def _deformable(first):
    """DeformableConvolution's weight and bias at positions `first`, `first` + 1 (after
    the offset, and the mask of the modulated one)."""
    def rule(data, a, pos):
        nf, groups = int(a["num_filter"]), int(a.get("num_group", 1))
        return {first: (nf, data[1] // groups) + tuple(a["kernel"]), first + 1: (nf,)}.get(pos)
    return rule


def _batch_norm(data, a, pos):
    return (data[int(a.get("axis", 1)) % len(data)],) if 1 <= pos <= 4 else None


def _embedding(data, a, pos):
    return (int(a["input_dim"]), int(a["output_dim"])) if pos == 1 else None


def _softmax_output(data, a, pos):
    return data[:1] if pos == 1 else None


def _regression_label(data, a, pos):
    """A regression output's label: the data's shape, but (N,) for data (N, 1) (MXNet's
    "1-D label by default")."""
    if pos != 1:
        return None
    return data[:1] if len(data) == 2 and data[1] == 1 else data


def _rnn(data, a, pos):
    """The fused RNN of data (T, N, I): its packed parameters, and the initial states
    (layers * directions, N, hidden); not with a projection (LSTMP)."""
    if a.get("projection_size") not in (None, 0):
        return None
    hidden, layers = int(a["state_size"]), int(a["num_layers"])
    dirs = 2 if a.get("bidirectional") in (True, "True", "true", "1", 1) else 1
    if pos == 1:
        layout = param_layout(str(a["mode"]), data[2], hidden, layers, dirs == 2)
        return (sum(int(np.prod(shape)) for _, shape in layout),)
    return (layers * dirs, data[1], hidden) if pos in (2, 3) else None


RULES: Dict[str, Rule] = {"FullyConnected": _fully_connected, "Convolution": _convolution,
                          "BatchNorm": _batch_norm, "_contrib_SyncBatchNorm": _batch_norm,
                          "_contrib_BatchNormWithReLU": _batch_norm,
                          "Embedding": _embedding, "SoftmaxOutput": _softmax_output,
                          "LinearRegressionOutput": _regression_label,
                          "LogisticRegressionOutput": _regression_label,
                          "MAERegressionOutput": _regression_label, "RNN": _rnn,
                          "_contrib_DeformableConvolution": _deformable(2),
                          "_contrib_ModulatedDeformableConvolution": _deformable(3)}


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

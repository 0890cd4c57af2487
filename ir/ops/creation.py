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


def _created(name, shape_of):
    def infer(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        return [TensorType.get(shape_of(attrs), np.dtype(attrs["dtype"]).name)]
    infer.__name__ = "_%s_infer" % name.strip("_")
    return infer


def _arange_values(start, stop, step, repeat):
    if stop is None:
        start, stop = 0.0, start
    if float(step) == 0.0:
        raise ShapeError("operator _arange: step must not be 0")
    values = np.arange(float(start), float(stop), float(step))
    return np.repeat(values, int(repeat)) if int(repeat) != 1 else values


def _arange_shape(a):
    return (_arange_values(a["start"], a["stop"], a["step"], a["repeat"]).size,)


@register("_arange", _created("_arange", _arange_shape), num_inputs=0,
          attrs={"start": REQUIRED, "stop": None, "step": 1.0, "repeat": 1,
                 "infer_range": False, "dtype": "float32"})
def arange(start, stop, step, repeat, infer_range, dtype):
    """MXNet's arange: start, start + step, ... below stop, each value `repeat` times."""
    return _arange_values(start, stop, step, repeat).astype(dtype)


@arange.gradient
def _arange_vjp(b, node, g):
    # no inputs: nothing to differentiate (gradient rules may build index constants with it,
    # as the deformable operators' do)
    return []


def _eye_shape(a):
    n = int(a["N"])
    return (n, int(a["M"]) or n)


@register("_eye", _created("_eye", _eye_shape), num_inputs=0,
          attrs={"N": REQUIRED, "M": 0, "k": 0, "dtype": "float32"})
def eye(N, M, k, dtype):
    """An N x M (M = N when 0) array with ones on diagonal k."""
    return np.eye(int(N), int(M) or None, int(k), dtype=dtype)


@register("_linspace", _created("_linspace", lambda a: (int(a["num"]),)), num_inputs=0,
          attrs={"start": REQUIRED, "stop": REQUIRED, "num": REQUIRED, "endpoint": True,
                 "dtype": "float32"})
def linspace(start, stop, num, endpoint, dtype):
    """`num` evenly spaced values from start to stop (included when `endpoint`)."""
    return np.linspace(float(start), float(stop), int(num), endpoint=bool(endpoint),
                       dtype=dtype)

"""Shape/dtype rules shared by many operators."""
from __future__ import annotations

import operator
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np

from tapegraph.ir.errors import DTypeError, ShapeError
from tapegraph.ir.types import TensorType


def fmt_shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def same_type(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    """Output has the type of the first input."""
    return [ins[0]]


def math_type(opname: str):
    """Rule of MXNet's elementwise math operators: the output has the input's type, and bool
    inputs are refused (MXNet 1.9.1, legacy and numpy mode, fails with "Unknown type enum
    7")."""
    def rule(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        if ins[0].dtype == "bool":
            raise DTypeError("operator %s does not support bool inputs (MXNet 1.9.1 refuses "
                             "them: Unknown type enum 7); cast the array first" % opname)
        return [ins[0]]
    return rule


def scalar_as(dtype, s) -> np.ndarray:
    """Python scalar `s` as a 0-d array of integer or bool `dtype`, converted as C (and
    MXNet) does: truncated toward zero, then wrapped (-1.5 is 255 as uint8)."""
    try:
        with np.errstate(all="ignore"):
            return np.array(s).astype(dtype)
    except (OverflowError, TypeError, ValueError):
        return np.array(dtype.type(s), dtype=dtype)


def integers_in_float32(kernel):
    """A kernel computing integer inputs in float32, as MXNet's math functions do for every
    dtype but float64 (the result is cast back to the input's dtype by the caller)."""
    def in_float32(x, *args, **kwargs):
        if x.dtype.kind in "iu":
            x = x.astype(np.float32)
        return kernel(x, *args, **kwargs)
    in_float32.__name__ = getattr(kernel, "__name__", "kernel")
    in_float32.__doc__ = kernel.__doc__
    return in_float32


def float_ufunc(kernel):
    """The `ufunc` option of an operator whose kernel is the NumPy ufunc `kernel` wrapped by
    `integers_in_float32` (fused code, which is float-only, still calls the ufunc)."""
    if isinstance(kernel, np.ufunc) and kernel.nin == 1:
        return (kernel.__name__, (0,))
    return None


def make_same_shapes(opname: str):
    """Rule for elementwise operators whose inputs must have one shape and dtype."""
    def rule(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
        first = ins[0]
        for t in ins[1:]:
            if t.shape != first.shape:
                raise ShapeError("operator %s: input shapes %s are incompatible (elementwise "
                                 "operators need equal shapes)"
                                 % (opname, " and ".join(fmt_shape(x.shape) for x in ins)))
            if t.dtype != first.dtype:
                raise ShapeError("operator %s: input dtypes %s differ"
                                 % (opname, " and ".join(x.dtype for x in ins)))
        return [first]
    return rule


def normalize_axes(axis: Any, ndim: int, opname: str) -> Tuple[int, ...]:
    """Axis attribute (None, int or tuple; negative allowed) as sorted non-negative ints."""
    if axis is None or axis == ():
        return tuple(range(ndim))
    if isinstance(axis, int):
        axis = (axis,)
    out = []
    for a in axis:
        a = int(a)
        if not -ndim <= a < max(ndim, 1):
            raise ShapeError("operator %s: axis %d is out of range for %d-d input"
                             % (opname, a, ndim))
        out.append(a % ndim if ndim else 0)
    if len(set(out)) != len(out):
        raise ShapeError("operator %s: repeated axis in %r" % (opname, axis))
    return tuple(sorted(out))


def reduced_shape(shape: Sequence[int], axes: Sequence[int], keepdims: bool) -> Tuple[int, ...]:
    if keepdims:
        return tuple(1 if i in axes else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i not in axes)


def check_shape_attr(shape: Any, opname: str) -> Tuple[int, ...]:
    """A concrete shape attribute: non-negative ints, not absurdly large."""
    try:
        shape = tuple(operator.index(s) for s in shape)
    except (TypeError, ValueError):
        raise ShapeError("operator %s: shape %r is not a tuple of integers" % (opname, shape))
    for s in shape:
        if s < 0:
            raise ShapeError("operator %s: negative dimension in shape %s"
                             % (opname, fmt_shape(shape)))
    n = 1
    for s in shape:
        n *= s
    if n > 2 ** 40:
        raise ShapeError("operator %s: shape %s has %d elements, too many to allocate"
                         % (opname, fmt_shape(shape), n))
    return shape

"""Shape/dtype rules shared by many operators."""
from __future__ import annotations

import operator
from typing import Any, Dict, List, Sequence, Tuple

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.types import TensorType


def fmt_shape(shape: Sequence[int]) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def same_type(ins: List[TensorType], attrs: Dict[str, Any]) -> List[TensorType]:
    """Output has the type of the first input."""
    return [ins[0]]


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

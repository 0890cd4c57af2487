"""`mx.sym` functions that are not one operator's function: creation (`zeros`, `ones`,
`full`, `arange`, `eye`, `linspace`) and the binary functions that pick the array or the
scalar operator (`maximum`, `minimum`, `power`/`pow`, `hypot`), writing the nodes MXNet
1.9.1 writes."""
from __future__ import annotations

import numbers
from typing import Any, Optional

import numpy as np

from ...ir import MXNetError
from .op_functions import make_op_function
from .symbol import Symbol


def _dtype(dtype: Any) -> str:
    return np.dtype(dtype or "float32").name


def zeros(shape, dtype=None, **kwargs) -> Symbol:
    """A Symbol of zeros of `shape` (MXNet's `_zeros`)."""
    return make_op_function("_zeros")(shape=shape, dtype=_dtype(dtype), **kwargs)


def ones(shape, dtype=None, **kwargs) -> Symbol:
    """A Symbol of ones of `shape` (MXNet's `_ones`)."""
    return make_op_function("_ones")(shape=shape, dtype=_dtype(dtype), **kwargs)


def full(shape, val, dtype=None, **kwargs) -> Symbol:
    """A Symbol of `shape` filled with `val` (MXNet's `_full`)."""
    return make_op_function("_full")(shape=shape, dtype=_dtype(dtype), value=float(val),
                                     **kwargs)


def _binary(name: str, array_op: str, scalar_op: str, rscalar_op: Optional[str]):
    def fn(left, right, name=None, **kwargs):
        if isinstance(left, Symbol) and isinstance(right, Symbol):
            return make_op_function(array_op)(left, right, name=name, **kwargs)
        if isinstance(left, Symbol) and isinstance(right, numbers.Number):
            return make_op_function(scalar_op)(left, scalar=float(right), name=name, **kwargs)
        if isinstance(right, Symbol) and isinstance(left, numbers.Number):
            op = rscalar_op or scalar_op
            return make_op_function(op)(right, scalar=float(left), name=name, **kwargs)
        raise MXNetError("%s: needs a Symbol and a Symbol or a number, got %s and %s"
                         % (fn.__name__, type(left).__name__, type(right).__name__))
    fn.__name__ = name
    fn.__doc__ = "Elementwise %s of Symbols, or of a Symbol and a number." % name
    return fn


maximum = _binary("maximum", "_maximum", "_maximum_scalar", None)
minimum = _binary("minimum", "_minimum", "_minimum_scalar", None)
power = _binary("power", "_power", "_power_scalar", "_rpower_scalar")
pow = power
hypot = _binary("hypot", "_hypot", "_hypot_scalar", None)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None,
           **kwargs) -> Symbol:
    """start, start + step, ... below stop, each `repeat` times (MXNet's `_arange`)."""
    return make_op_function("_arange")(start=start, stop=stop, step=float(step),
                                       repeat=int(repeat), infer_range=bool(infer_range),
                                       dtype=_dtype(dtype), name=name, **kwargs)


def eye(N, M=0, k=0, dtype=None, **kwargs) -> Symbol:
    """An N x M identity-like Symbol with ones on diagonal k (MXNet's `_eye`)."""
    return make_op_function("_eye")(N=N, M=M, k=k, dtype=_dtype(dtype), **kwargs)


def linspace(start, stop, num, endpoint=True, name=None, dtype=None, **kwargs) -> Symbol:
    """`num` evenly spaced values (MXNet's `_linspace`)."""
    return make_op_function("_linspace")(start=start, stop=stop, num=num,
                                         endpoint=bool(endpoint), dtype=_dtype(dtype),
                                         name=name, **kwargs)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False) -> Symbol:
    """Split `ary` along `axis` into equal sections (an int) or at the given indices (a
    tuple, as numpy.split): MXNet's `_split_v2`, written with `indices` (a leading 0
    added) and `sections` (0 when indices are given), as MXNet 1.9.1 writes them."""
    indices: list = []
    sections = 0
    if isinstance(indices_or_sections, int):
        sections = indices_or_sections
    elif isinstance(indices_or_sections, (tuple, list)):
        indices = [0] + [int(i) for i in indices_or_sections]
    else:
        raise ValueError("indices_or_sections must either int or tuple of ints")
    return make_op_function("_split_v2")(ary, indices=str(indices), axis=axis,
                                         squeeze_axis=squeeze_axis, sections=sections)


def histogram(a, bins=10, range=None, **kwargs) -> Symbol:  # noqa: A002  (MXNet's name)
    """MXNet's `_histogram` of `a`: `bins` equal bins over `range` (required in symbol
    mode), or the bin edges of the Symbol `bins`. Outputs (counts int64, edges)."""
    if isinstance(bins, Symbol):
        return make_op_function("_histogram")(data=a, bins=bins, **kwargs)
    if isinstance(bins, int) and not isinstance(bins, bool):
        if range is None:
            raise ValueError("null range is not supported in symbol mode")
        return make_op_function("_histogram")(data=a, bin_cnt=bins, range=range, **kwargs)
    raise ValueError("bins argument should be either an integer or an NDArray")

"""Array creation: `array`, `zeros`, `ones`, `full`, `empty`, `arange`, `*_like`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ir.errors import MXNetError
from ..ir.ops.rules import check_shape_attr


def _check_dtype(dtype):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError("invalid dtype %r: expected a NumPy dtype name such as 'float32'"
                        % (dtype,)) from None
    if dt.kind not in "biuf":
        raise TypeError("invalid dtype %r: tapegraph arrays hold bool, integer or floating "
                        "point numbers" % (dtype,))
    return dt


def to_numpy(data: Any, dtype: Any, cls) -> np.ndarray:
    """Convert user data to a fresh NumPy array; float32 unless `dtype` says otherwise
    (NumPy input keeps its own dtype, except float64 which becomes float32 when no
    dtype is given, as MXNet does for Python data)."""
    from .ndarray import NDArray
    if isinstance(data, NDArray):
        src = data._data
        return np.array(src, dtype=_check_dtype(dtype) if dtype is not None else src.dtype)
    if dtype is not None:
        dt = _check_dtype(dtype)
    elif isinstance(data, np.ndarray) and data.dtype.kind in "iub" and not cls._np_float_default:
        dt = data.dtype
    else:
        dt = np.dtype(np.float32)
    try:
        out = np.array(data, dtype=dt)
    except (ValueError, TypeError) as e:
        raise MXNetError("cannot make an array from %s: %s (nested lists must be rectangular "
                         "and hold numbers)" % (type(data).__name__, e)) from None
    if out.dtype == object:
        raise MXNetError("cannot make an array from ragged or non-numeric data")
    return out


def shape_arg(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return check_shape_attr(shape, "zeros")


def make(cls, fill, shape, dtype):
    shape = shape_arg(shape)
    dt = _check_dtype(dtype if dtype is not None else np.float32)
    if fill == "empty" or fill == 0:
        return cls._wrap(np.zeros(shape, dtype=dt))
    return cls._wrap(np.full(shape, fill, dtype=dt))


def arange(cls, start, stop=None, step=1.0, repeat=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError("arange: step cannot be 0")
    data = np.arange(start, stop, step, dtype=_check_dtype(dtype or np.float32))
    if repeat != 1:
        data = np.repeat(data, repeat)
    return cls._wrap(data)


__all__ = ["arange", "make", "shape_arg", "to_numpy"]

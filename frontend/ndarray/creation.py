"""Array creation: `array`, `zeros`, `ones`, `full`, `empty`, `arange`, `*_like`."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..ir.errors import DTypeError, MXNetError, ShapeError
from ..ir import TensorType
from ..ir.ops.rules import check_shape_attr
from ..ir.registry import MAX_RESULT_BYTES


def _check_dtype(dtype):
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise DTypeError("invalid dtype %r: expected a NumPy dtype name such as 'float32'"
                         % (dtype,)) from None
    if dt.kind not in "biuf":
        raise DTypeError("invalid dtype %r: tapegraph arrays hold bool, integer or floating "
                        "point numbers" % (dtype,))
    return dt


def to_numpy(data: Any, dtype: Any, cls) -> np.ndarray:
    """Convert user data to a fresh NumPy array, with MXNet 1.9.1's dtype rules: `dtype`
    when given; else an NDArray's own dtype; else float32 — except that `mx.np` keeps a
    NumPy array's dtype (`mx.nd.array` of any NumPy array is float32)."""
    from .ndarray import NDArray
    if isinstance(data, NDArray):
        src = data._data
        return np.array(src, dtype=_check_dtype(dtype) if dtype is not None else src.dtype)
    if dtype is not None:
        dt = _check_dtype(dtype)
    elif isinstance(data, np.ndarray) and cls._keeps_numpy_dtype:
        dt = data.dtype
    else:
        dt = np.dtype(np.float32)
    try:
        out = np.array(data, dtype=dt)
    except (ValueError, TypeError) as e:
        where = ragged_where(data)
        if where:
            raise ShapeError("cannot make an array from a ragged nested list: %s" % where) \
                from None
        raise MXNetError("cannot make an array from %s: %s (nested lists must be rectangular "
                         "and hold numbers)" % (type(data).__name__, e)) from None
    if out.dtype == object:
        raise MXNetError("cannot make an array from ragged or non-numeric data")
    return out


def ragged_where(data: Any) -> str:
    """Where nested lists/tuples stop being rectangular ('' if they are), e.g.
    "item [1] has length 1 but item [0] has length 2". Iterative, level by level."""
    level = [((), data)]
    while level:
        lengths = {}
        nxt = []
        for path, item in level:
            if isinstance(item, (list, tuple)):
                lengths[path] = len(item)
                nxt.extend((path + (i,), x) for i, x in enumerate(item))
            else:
                lengths[path] = None
        kinds = set(lengths.values())
        if len(kinds) > 1:
            first_path, first = next(iter(lengths.items()))
            for path, n in lengths.items():
                if n != first:
                    def show(p, n):
                        return "item %s %s" % (list(p), "is a scalar" if n is None
                                               else "has length %d" % n)
                    return "%s but %s" % (show(path, n), show(first_path, first))
        level = nxt
    return ""


def fits_in_memory(t: TensorType, what: str) -> None:
    """Refuse, before allocating, an array larger than the machine's memory (the OS
    would hand out the pages lazily and kill the process when they are touched)."""
    if t.nbytes > MAX_RESULT_BYTES:
        raise ShapeError("%s: an array %r needs %.1f GiB, more than this machine's %.1f GiB "
                         "of memory" % (what, t, t.nbytes / 2 ** 30, MAX_RESULT_BYTES / 2 ** 30))


def shape_arg(shape) -> tuple:
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return check_shape_attr(shape, "zeros")


def make(cls, fill, shape, dtype):
    shape = shape_arg(shape)
    dt = _check_dtype(dtype if dtype is not None else np.float32)
    fits_in_memory(TensorType.get(shape, dt), "zeros")
    if fill == "empty" or fill == 0:
        return cls._wrap(np.zeros(shape, dtype=dt))
    return cls._wrap(np.full(shape, fill, dtype=dt))


def arange(cls, start, stop=None, step=1.0, repeat=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise MXNetError("arange: step cannot be 0")
    dt = _check_dtype(dtype or np.float32)
    try:
        count = max(0, int(np.ceil((float(stop) - float(start)) / float(step))))
    except (TypeError, ValueError, OverflowError):
        raise MXNetError("arange: start, stop and step must be finite numbers, got %r, %r, %r"
                         % (start, stop, step)) from None
    check_shape_attr((count * int(repeat),), "arange")  # before allocating anything
    fits_in_memory(TensorType.get((count * int(repeat),), dt), "arange")
    data = np.arange(start, stop, step, dtype=dt)
    if repeat != 1:
        data = np.repeat(data, repeat)
    return cls._wrap(data)


__all__ = ["arange", "make", "shape_arg", "to_numpy"]

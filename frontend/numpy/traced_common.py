"""Shared pieces of the traced NumPy functions (traced_*.py): NumPy functions that MXNet 1.9.1
serves on the host, written here as compositions of registered IR operators so they record
under autograd.record(), differentiate to any order and appear in exported symbols.

A static rearrangement of elements (flip, rot90, insert, pad, resize, ...) is one `take` of
the flattened array at an index map computed by NumPy on `arange`: the map is constant data,
the gather is a registered operator whose gradient (`_take_scatter`) is registered too."""
from __future__ import annotations

from typing import Any, Callable, Dict, Sequence

import numpy as onp

from ..ir import get_op
from ..ir.errors import MXNetError
from ..ir.registry import MAX_RESULT_BYTES
from ..trace import host_reads
from ..trace.invoke import invoke
from .library import arr
from .ndarray import ndarray

TRACED: Dict[str, Callable] = {}


def traced(fn: Callable) -> Callable:
    """Register `fn` as the traced implementation of the mx.np name `fn.__name__`."""
    TRACED[fn.__name__.rstrip("_")] = fn
    return fn


def op(name: str, inputs: Sequence[Any], **attrs) -> Any:
    """Apply the registered operator `name` to mx.np arrays (recorded when recording)."""
    return invoke(get_op(name), [arr(a) for a in inputs], attrs, out_cls=ndarray)


def const(value: Any, dtype: Any = None) -> ndarray:
    """`value` as constant data (an array outside any graph)."""
    return ndarray._wrap(onp.array(value, dtype=dtype))


def host(a: Any) -> onp.ndarray:
    """The values of `a` on the host (constant data: no gradient flows through them). A
    read of a traced array is noted (trace.host_reads): a hybridized block does not replay
    a trace whose constants came from its inputs' values."""
    if isinstance(a, (list, tuple)):
        return onp.asarray([host(t) for t in a])
    host_reads.note(a)
    return onp.asarray(a._data) if hasattr(a, "_data") else onp.asarray(a)


def is_array(a: Any) -> bool:
    return hasattr(a, "_data") and hasattr(a, "asnumpy")


def as_array(a: Any, like: Any = None) -> ndarray:
    """`a` as an mx.np array; Python scalars take the dtype of `like` (an array) if given."""
    if is_array(a):
        return arr(a)
    if like is not None and onp.ndim(a) == 0 and not isinstance(a, onp.ndarray):
        return const(a, like.dtype)
    return arr(a)


def cast(a: ndarray, dtype: Any) -> ndarray:
    """`a` in `dtype` (recorded Cast; the array itself when it already has that dtype)."""
    dtype = onp.dtype(dtype)
    if a.dtype == dtype:
        return a
    return op("Cast", [a], dtype=dtype.name)


def gather(a: ndarray, index_map: onp.ndarray, fill: Any = None) -> ndarray:
    """out[i] = a.flat[index_map[i]] (shape of `index_map`); where index_map is -1 the
    result is `fill` (a scalar or an array broadcastable to the result)."""
    index_map = onp.asarray(index_map, dtype=onp.int64)
    flat = a.reshape(-1)
    if a.size == 0 or index_map.size == 0:
        base = op("zeros_like", [flat])
        if index_map.size == 0:
            return op("slice_axis", [flat], axis=0, begin=0, end=0).reshape(index_map.shape)
        taken = op("take", [base, const(onp.zeros(index_map.shape, onp.int64))], axis=0,
                   mode="clip")
    else:
        taken = op("take", [flat, const(onp.maximum(index_map, 0))], axis=0, mode="clip")
    if fill is None or not (index_map < 0).any():
        return taken
    fill_arr = as_array(fill, taken)
    if fill_arr.shape != taken.shape:
        fill_arr = op("broadcast_to", [fill_arr], shape=taken.shape)
    return op("where", [const(index_map >= 0, a.dtype), taken, cast(fill_arr, a.dtype)])


def check_size(shape: Sequence[int], dtype: Any, name: str) -> None:
    """MXNetError (before anything is allocated) if a result of `shape` cannot fit in memory."""
    nbytes = float(onp.prod([float(s) for s in shape])) * onp.dtype(dtype).itemsize
    if nbytes > MAX_RESULT_BYTES:
        raise MXNetError("%s: a result of shape %s needs %.3g GiB, more than the machine's "
                         "memory" % (name, tuple(shape), nbytes / 2 ** 30))


def index_map(shape: Sequence[int], fn: Callable[[onp.ndarray], onp.ndarray]) -> onp.ndarray:
    """`fn` applied to the flat positions of an array of `shape`: the source index of every
    output element of a rearrangement."""
    return onp.asarray(fn(onp.arange(int(onp.prod(shape)), dtype=onp.int64).reshape(shape)))


def rearrange(a: ndarray, fn: Callable[[onp.ndarray], onp.ndarray]) -> ndarray:
    """The traced equivalent of `fn(a)` for a NumPy function `fn` that only moves, drops or
    repeats elements."""
    a = arr(a)
    return gather(a, index_map(a.shape, fn))


def nan_mask(a: ndarray) -> ndarray:
    """1 where `a` is NaN, 0 elsewhere, in `a`'s dtype (recorded, zero gradient)."""
    return op("_not_equal", [a, a])


def where(cond: Any, x: Any, y: Any) -> ndarray:
    """`where` with a condition of 0/1 (or bool) values; x and y arrays or scalars."""
    like = x if is_array(x) else y
    x, y = as_array(x, like), as_array(y, like)
    if x.dtype != y.dtype:
        dtype = onp.result_type(x.dtype, y.dtype)
        x, y = cast(x, dtype), cast(y, dtype)
    cond = arr(cond)
    shape = onp.broadcast_shapes(cond.shape, x.shape, y.shape)
    parts = [t if t.shape == shape else op("broadcast_to", [t], shape=shape)
             for t in (cond, x, y)]
    return op("where", parts)


def norm_axis(axis: int, ndim: int, name: str) -> int:
    axis = int(axis)
    if not -ndim <= axis < max(ndim, 1):
        raise onp.exceptions.AxisError("%s: axis %d is out of bounds for array of dimension %d"
                            % (name, axis, ndim))
    return axis % max(ndim, 1)

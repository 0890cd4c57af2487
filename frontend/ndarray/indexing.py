"""`x[key]` and `x[key] = value`. Basic indexing (ints, slices, None, Ellipsis) records a
`slice` node (plus a `Reshape` for integer and None axes); advanced indexing with integer
or boolean arrays is handled by `ADVANCED_INDEXING` when an operator library provides it."""
from __future__ import annotations

import numbers
from typing import Any, Callable, List, Optional

import numpy as np

from ..accel.lazy import before_write
from ..ir import get_op
from ..ir.errors import IndexingError, MXNetError, ShapeError
from ..trace import host_reads
from ..trace.invoke import invoke



def no_zero_dim(arr):
    """`arr`, or for a 0-d legacy NDArray the same value with shape (1,) (recorded):
    MXNet's legacy arrays have no 0-d form, while `mx.np` arrays keep it."""
    if arr.ndim or type(arr)._zero_dim:
        return arr
    return invoke(get_op("Reshape"), [arr], {"shape": (1,), "reverse": False})


def _index_array(k) -> np.ndarray:
    from .ndarray import NDArray
    data = k._data if isinstance(k, NDArray) else np.asarray(k)
    if data.dtype.kind == "f":
        if np.any(data != np.floor(data)):
            raise IndexingError("array index holds non-integer values")
        data = data.astype(np.int64)
    elif data.dtype.kind not in "iub":
        raise IndexingError("arrays used as indices must be of integer or boolean type, got "
                            "%s" % data.dtype)
    return data


def advanced_getitem(arr, key):
    """`arr[key]` for keys with integer or boolean arrays (NumPy semantics).

    A single integer array on the first axis records `take`; any other combination is
    resolved on the host into flat positions and recorded as `Reshape` + `take`, so the
    gradient is always `_take_scatter`, which adds up repeated indices.
    """
    from .ndarray import NDArray
    if len(key) == 1 and not isinstance(key[0], (bool, np.bool_)):
        idx = _index_array(key[0])
        if idx.dtype.kind in "iu" and arr.ndim:
            size = arr.shape[0]
            if idx.size and (idx.min() < -size or idx.max() >= size):
                bad = int(idx.max() if idx.max() >= size else idx.min())
                raise IndexingError("index %d is out of bounds for axis 0 with size %d"
                                    % (bad, size))
            idx_arr = key[0] if isinstance(key[0], NDArray) else type(arr)._wrap(idx)
            return invoke(get_op("take"), [arr, idx_arr], {"axis": 0, "mode": "wrap"})
    # positions resolved on the host from the index arrays: noted, so a hybridized block
    # runs this forward eagerly after the call that traced it (boolean masks give shapes
    # that depend on the values)
    host_reads.note(*[k for k in key if isinstance(k, NDArray)])
    host = tuple(_index_array(k) if _is_advanced(k) else k for k in key)
    try:
        positions = np.arange(arr.size, dtype=np.int64).reshape(arr.shape)[host]
    except IndexError as e:
        raise IndexingError(str(e)) from None
    flat = invoke(get_op("Reshape"), [arr], {"shape": (-1,), "reverse": False})
    out = invoke(get_op("take"), [flat, NDArray._wrap(np.asarray(positions))],
                 {"axis": 0, "mode": "clip"}, out_cls=type(arr))
    return no_zero_dim(out)


# function(array, key) -> array, for array-valued keys.
ADVANCED_INDEXING: Optional[Callable[[Any, Any], Any]] = advanced_getitem


def _is_advanced(k) -> bool:
    from .ndarray import NDArray
    return isinstance(k, (NDArray, np.ndarray, list)) or (
        isinstance(k, np.bool_) or isinstance(k, bool))


def getitem(arr, key):
    """Index `arr` like NumPy; errors name the index, axis and size."""
    key = key if isinstance(key, tuple) else (key,)
    if any(_is_advanced(k) for k in key):
        if ADVANCED_INDEXING is None:
            raise MXNetError("indexing with arrays is not supported by this build")
        return ADVANCED_INDEXING(arr, key)
    shape = arr.shape
    n_real = sum(1 for k in key if k is not None and k is not Ellipsis)
    if sum(1 for k in key if k is Ellipsis) > 1:
        raise IndexingError("an index can only have a single ellipsis ('...')")
    if n_real > len(shape):
        raise IndexingError("too many indices for array: array is %d-dimensional, but %d "
                            "were indexed" % (len(shape), n_real))
    expanded: List[Any] = []
    for k in key:
        if k is Ellipsis:
            expanded.extend([slice(None)] * (len(shape) - n_real))
        else:
            expanded.append(k)
    if Ellipsis not in key:
        expanded.extend([slice(None)] * (len(shape) - n_real))
    begin, end, step, out_shape = [], [], [], []
    axis = 0
    plain = True
    for k in expanded:
        if k is None:
            out_shape.append(1)
            plain = False
            continue
        size = shape[axis]
        if isinstance(k, (numbers.Integral, np.integer)):
            i = int(k)
            if not -size <= i < size:
                raise IndexingError("index %d is out of bounds for axis %d with size %d"
                                    % (i, axis, size))
            i %= size
            begin.append(i)
            end.append(i + 1)
            step.append(1)
            plain = False
        elif isinstance(k, slice):
            start, stop, st = k.indices(size)
            if st == 0:
                raise ValueError("slice step cannot be zero")
            begin.append(start)
            end.append(stop if stop >= 0 else None)
            step.append(st)
            out_shape.append(len(range(start, stop, st)))
        else:
            raise IndexingError("unsupported index %r of type %s" % (k, type(k).__name__))
        axis += 1
    out = invoke(get_op("slice"), [arr], {"begin": tuple(begin), "end": tuple(end),
                                          "step": tuple(step)})
    if not out_shape and not type(arr)._zero_dim:
        out_shape = [1]  # legacy NDArrays have no 0-d form: x[1, 2] has shape (1,)
    if not plain and tuple(out_shape) != out.shape:
        out = invoke(get_op("Reshape"), [out], {"shape": tuple(out_shape), "reverse": False})
    return out


def _whole(key) -> bool:
    """Whether `key` selects the whole array (`x[:]`, `x[...]`)."""
    def whole(k):
        return k is Ellipsis or (isinstance(k, slice) and k == slice(None))
    return whole(key) or (isinstance(key, tuple) and all(whole(k) for k in key))


def setitem(arr, key, value) -> None:
    """Write `value` into `arr[key]` in place (not recorded, as for MXNet's `x[:] = ...`)."""
    from .ndarray import NDArray
    before_write()
    if isinstance(key, tuple):
        key = tuple(k._data if isinstance(k, NDArray) else k for k in key)
    elif isinstance(key, NDArray):
        key = key._data
    src = value._data if isinstance(value, NDArray) else value
    dst = arr._data
    if isinstance(value, NDArray) and dst.dtype == np.bool_ and not _whole(key):
        raise MXNetError("cannot assign an array into part of a bool array (MXNet 1.9.1 "
                         "refuses it: Unknown type enum 7); assign a scalar, or the whole "
                         "array with x[:] = ...")
    if isinstance(src, numbers.Number) and dst.dtype.kind in "iu":
        src = np.array(src).astype(dst.dtype)  # C's conversion: -1.5 -> 255 for uint8
    try:
        try:
            dst[key] = src
        except ValueError:
            if np.size(src) != 1 or np.ndim(dst[key]) != 0:
                raise
            dst[key] = np.reshape(src, ())  # MXNet writes a 1-element array into one element
    except (ValueError, IndexError) as e:
        error = IndexingError if isinstance(e, IndexError) else ShapeError
        raise error("cannot assign a value of shape %s to index %r of an array of shape "
                    "%s: %s" % (np.shape(src), key, arr.shape, e)) from None

"""Traced mx.np functions that reshape, reorder, select or repeat elements (MXNet 1.9.1 has
some of them as operators and serves the others from host NumPy): each records registered
operators, so gradients of any order flow back to the moved elements."""
from __future__ import annotations

from typing import Any

import numpy as onp

from .library import FUNCTIONS, arr
from .traced_common import (as_array, cast, check_size, const, gather, host, is_array,
                            norm_axis, op, rearrange, traced, where)


def _each(arys, fn):
    out = [fn(arr(a)) for a in arys]
    return out[0] if len(out) == 1 else out


@traced
def atleast_1d(*arys):
    """Views with at least one dimension (one array, or a list for several)."""
    return _each(arys, lambda a: a.reshape(1) if a.ndim == 0 else a)


@traced
def atleast_2d(*arys):
    """Views with at least two dimensions (1-D arrays become rows)."""
    return _each(arys, lambda a: a.reshape((1,) * (2 - a.ndim) + a.shape) if a.ndim < 2 else a)


@traced
def atleast_3d(*arys):
    """Views with at least three dimensions: (N,) -> (1, N, 1), (M, N) -> (M, N, 1)."""
    def three(a):
        if a.ndim == 0:
            return a.reshape(1, 1, 1)
        if a.ndim == 1:
            return a.reshape(1, a.shape[0], 1)
        return a.reshape(a.shape + (1,)) if a.ndim == 2 else a
    return _each(arys, three)


@traced
def broadcast_arrays(*args):
    """The arrays broadcast against each other (a list)."""
    arrays = [arr(a) for a in args]
    shape = onp.broadcast_shapes(*(a.shape for a in arrays))
    return [a if a.shape == shape else op("broadcast_to", [a], shape=shape) for a in arrays]


def _flip(m, axis):
    return op("reverse", [m], axis=(axis,))


@traced
def fliplr(m):
    """Reverse the order of columns (axis 1)."""
    m = arr(m)
    if m.ndim < 2:
        raise ValueError("fliplr: input must be >= 2-d.")
    return _flip(m, 1)


@traced
def flipud(m):
    """Reverse the order of rows (axis 0)."""
    m = arr(m)
    if m.ndim < 1:
        raise ValueError("flipud: input must be >= 1-d.")
    return _flip(m, 0)


@traced
def rot90(m, k=1, axes=(0, 1)):
    """Rotate by 90 degrees k times in the plane of `axes` (from the first towards the
    second)."""
    m = arr(m)
    axes = tuple(int(a) for a in axes)
    if len(axes) != 2:
        raise ValueError("rot90: len(axes) must be 2.")
    a0, a1 = norm_axis(axes[0], m.ndim, "rot90"), norm_axis(axes[1], m.ndim, "rot90")
    if a0 == a1:
        raise ValueError("rot90: axes must be different.")
    k = int(k) % 4
    if k == 0:
        return op("_copy", [m])
    if k == 2:
        return _flip(_flip(m, a0), a1)
    order = list(range(m.ndim))
    order[a0], order[a1] = order[a1], order[a0]
    if k == 1:
        return _flip(m, a1).transpose(*order)
    return _flip(m.transpose(*order), a1)


@traced
def rollaxis(a, axis, start=0):
    """Move `axis` backwards until it lies before position `start`."""
    a = arr(a)
    n = a.ndim
    axis = norm_axis(axis, n, "rollaxis")
    start = int(start)
    if not -n <= start <= n:
        raise onp.exceptions.AxisError("rollaxis: start %d is out of bounds for an array of "
                                       "dimension %d" % (start, n))
    start = start % (n + 1) if start < 0 else start
    if axis < start:
        start -= 1
    if axis == start:
        return a
    order = list(range(n))
    order.remove(axis)
    order.insert(start, axis)
    return a.transpose(*order)


@traced
def row_stack(arrays):
    """Stack arrays as rows (vstack)."""
    return FUNCTIONS["vstack"](arrays)


@traced
def append(arr_, values, axis=None):
    """`values` appended at the end (of the flattened arrays when axis is None)."""
    a = arr(arr_)
    v = as_array(values, a)
    dtype = onp.result_type(a.dtype, v.dtype)
    a, v = cast(a, dtype), cast(v, dtype)
    if axis is None:
        return FUNCTIONS["concatenate"]([a.reshape(-1), v.reshape(-1)], axis=0)
    return FUNCTIONS["concatenate"]([a, v], axis=int(axis))


def _host_index(obj):
    if isinstance(obj, slice):
        return obj
    return host(obj) if is_array(obj) else obj


@traced
def insert(arr_, obj, values, axis=None):
    """`values` inserted before the indices `obj` (static) along `axis`."""
    a = arr(arr_)
    v = cast(as_array(values, a), a.dtype)
    n = a.size
    slots = onp.arange(n, n + v.size, dtype=onp.int64).reshape(v.shape)
    positions = onp.arange(n, dtype=onp.int64).reshape(a.shape)
    mapping = onp.insert(positions, _host_index(obj), slots, axis=axis)
    return gather(FUNCTIONS["concatenate"]([a.reshape(-1), v.reshape(-1)], axis=0), mapping)


@traced
def delete(arr_, obj, axis=None):
    """The array without the sub-arrays at the indices `obj` (static) along `axis`."""
    return rearrange(arr_, lambda p: onp.delete(p, _host_index(obj), axis=axis))


@traced
def diagflat(array, k=0):
    """A 2-D array with the flattened input on its k-th diagonal, zeros elsewhere."""
    a = arr(array)
    mapping = onp.diagflat(onp.arange(1, a.size + 1, dtype=onp.int64), int(k)) - 1
    return gather(a, mapping, fill=0)


@traced
def resize(a, new_shape):
    """The array repeated (or cut) to `new_shape`, in C order."""
    a = arr(a)
    shape = (int(new_shape),) if onp.ndim(new_shape) == 0 else tuple(int(s) for s in new_shape)
    if any(s < 0 for s in shape):
        raise ValueError("all elements of `new_shape` must be non-negative")
    check_size(shape, onp.int64, "resize")
    if a.size == 0:
        return const(onp.zeros(new_shape, a.dtype))
    return rearrange(a, lambda p: onp.resize(p, new_shape))


@traced
def meshgrid(*xi, indexing="xy", sparse=False, copy=True):
    """Coordinate arrays from coordinate vectors ('xy': Cartesian, 'ij': matrix indexing)."""
    if indexing not in ("xy", "ij"):
        raise ValueError("Valid values for `indexing` are 'xy' and 'ij'.")
    xs = [arr(x).reshape(-1) for x in xi]
    ndim = len(xs)
    out = []
    for i, x in enumerate(xs):
        shape = [1] * ndim
        shape[i] = x.size
        if indexing == "xy" and ndim > 1 and i < 2:
            shape[0], shape[1] = shape[1], shape[0]
        out.append(x.reshape(shape))
    if not sparse:
        out = broadcast_arrays(*out) if ndim > 1 else out
    return [op("_copy", [o]) if copy and o.shape == xs[0].shape else o for o in out]


@traced
def compress(condition, a, axis=None, out=None):
    """The slices of `a` along `axis` where the (static) condition is true."""
    cond = host(condition)
    return rearrange(a, lambda p: onp.compress(cond, p, axis=axis))


@traced
def extract(condition, arr_):
    """The elements of `arr_` where the (static) condition is true, flattened."""
    cond = host(condition)
    return rearrange(arr_, lambda p: onp.extract(cond, p))


@traced
def choose(a, choices, out=None, mode="raise"):
    """Element i of choices[a[i]] (a: static integer indices; choices broadcast)."""
    idx = host(a).astype(onp.int64)
    arrays = [arr(c) for c in choices] if isinstance(choices, (list, tuple)) else \
        [arr(choices)[i] for i in range(arr(choices).shape[0])]
    shape = onp.broadcast_shapes(idx.shape, *(c.shape for c in arrays))
    dtype = onp.result_type(*(c.dtype for c in arrays))
    parts = [cast(c if c.shape == shape else op("broadcast_to", [c], shape=shape), dtype)
             for c in arrays]
    n = len(parts)
    idx = onp.broadcast_to(idx, shape)
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = onp.clip(idx, 0, n - 1)
    elif (idx < 0).any() or (idx >= n).any():
        raise ValueError("invalid entry in choice array")
    size = int(onp.prod(shape))
    stacked = FUNCTIONS["stack"](parts, axis=0)
    return gather(stacked, idx * size + onp.arange(size).reshape(shape))


@traced
def select(condlist, choicelist, default=0):
    """choicelist[i] where condlist[i] is the first true condition, else `default`."""
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    choices = [as_array(c) if is_array(c) else c for c in choicelist]
    like = next((c for c in choices if is_array(c)), None)
    result = as_array(default, like) if like is not None else arr(default)
    for cond, choice in zip(reversed(condlist), reversed(choices)):
        result = where(const(host(cond).astype(bool)), choice, result)
    return result


@traced
def real(val):
    """The real part: a copy of a real array."""
    return op("_copy", [arr(val)])


@traced
def msort(a):
    """A copy sorted along the first axis."""
    return FUNCTIONS["sort"](a, axis=0)


@traced
def dsplit(ary, indices_or_sections):
    """Split along the third axis."""
    ary = arr(ary)
    if ary.ndim < 3:
        raise ValueError("dsplit only works on arrays of 3 or more dimensions")
    if isinstance(indices_or_sections, int):
        return FUNCTIONS["split"](ary, indices_or_sections, axis=2)
    return FUNCTIONS["array_split"](ary, indices_or_sections, axis=2)


@traced
def trim_zeros(filt, trim="fb"):
    """The 1-D array without its leading ('f') and/or trailing ('b') zeros."""
    a = arr(filt)
    if not isinstance(trim, str):
        raise TypeError("trim_zeros: trim must be a string of 'f' and/or 'b', got %r" % (trim,))
    nz = onp.flatnonzero(host(a))
    lo = int(nz[0]) if nz.size and "f" in trim.lower() else (a.size if not nz.size else 0)
    hi = int(nz[-1]) + 1 if nz.size and "b" in trim.lower() else a.size
    return op("slice_axis", [a], axis=0, begin=lo, end=max(lo, hi))


_STAT = {"maximum": "max", "minimum": "min", "mean": "mean"}
_UNSUPPORTED_PAD = ("linear_ramp", "median", "empty")


def _pad_stat(a, widths, stat):
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        s = op(stat, [a], axis=axis, keepdims=True, exclude=False)
        if a.dtype.kind in "iu" and stat == "mean":
            s = cast(op("round", [cast(s, "float64")]), a.dtype)
        parts = []
        for width in (before, after):
            shape = list(a.shape)
            shape[axis] = int(width)
            parts.append(op("broadcast_to", [s], shape=tuple(shape)) if width else None)
        a = FUNCTIONS["concatenate"]([p for p in (parts[0], a, parts[1]) if p is not None],
                                     axis=axis)
    return a


@traced
def pad(x, pad_width=None, mode="constant", **kwargs):
    """Pad with constants, edge values, reflections ('reflect', 'symmetric'; reflect_type
    'even'), the other end ('wrap') or per-axis statistics ('maximum', 'minimum', 'mean')."""
    a = arr(x)
    if callable(mode) or mode in _UNSUPPORTED_PAD:
        raise ValueError("mode {'%s'} is not supported." % ("<function>" if callable(mode)
                                                           else mode))
    allowed = {"constant": ("constant_values",), "edge": (), "wrap": (),
               "reflect": ("reflect_type",), "symmetric": ("reflect_type",),
               "maximum": ("stat_length",), "minimum": ("stat_length",),
               "mean": ("stat_length",)}
    if mode not in allowed:
        raise ValueError("mode '%s' is not supported" % (mode,))
    extra = set(kwargs) - set(allowed[mode])
    if extra:
        raise ValueError("unsupported keyword arguments for mode '%s': %s" % (mode, extra))
    if kwargs.get("reflect_type", "even") not in ("even", None):
        raise ValueError("unsupported reflect_type '%s'" % kwargs["reflect_type"])
    if kwargs.get("stat_length") is not None:
        raise ValueError("unsupported stat_length '%s'" % (kwargs["stat_length"],))
    pad_width = host(pad_width) if is_array(pad_width) else pad_width
    if onp.asarray(pad_width).dtype.kind not in "iu":
        raise TypeError("`pad_width` must be of integral type.")
    widths = onp.broadcast_to(onp.asarray(pad_width, dtype=onp.int64), (a.ndim, 2))
    if (widths < 0).any():
        raise ValueError("index can't contain negative values")
    if mode in _STAT:
        return _pad_stat(a, widths, _STAT[mode])
    positions = onp.arange(a.size, dtype=onp.int64).reshape(a.shape)
    if mode != "constant":
        return gather(a, onp.pad(positions, widths, mode=mode))
    values: Any = kwargs.get("constant_values", 0)
    values = host(values) if is_array(values) else values
    fill = onp.pad(onp.zeros(a.shape, a.dtype), widths, mode="constant",
                   constant_values=values)
    return gather(a, onp.pad(positions, widths, mode="constant", constant_values=-1),
                  fill=const(fill))


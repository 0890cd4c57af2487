"""Traced mx.np statistics MXNet 1.9.1 serves on the host (or as separate operators): the
NaN-ignoring reductions (a NaN mask, then the plain reduction), order statistics (sort, then
a gather of the two neighbours of each quantile and a linear interpolation), cov, corrcoef
and correlate. Each records registered operators and differentiates to any order; the
positions gathered for NaN-ignoring quantiles depend on where the NaNs are (constant data)."""
from __future__ import annotations

import numpy as onp

from .library import FUNCTIONS, arr
from .traced_common import as_array, cast, const, gather, host, nan_mask, op, traced, where


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    for ax in axes:
        if not -ndim <= int(ax) < max(ndim, 1):
            raise onp.exceptions.AxisError("axis %d is out of bounds for array of dimension %d"
                                           % (int(ax), ndim))
    return tuple(sorted(int(ax) % max(ndim, 1) for ax in axes))


def _all_nan(a, axis, keepdims):
    return onp.all(onp.isnan(host(a)), axis=axis, keepdims=keepdims)


def _nan_extreme(a, axis, keepdims, name, fill):
    a = arr(a)
    if a.dtype.kind != "f":
        return FUNCTIONS[name](a, axis=axis, keepdims=keepdims)
    out = FUNCTIONS[name](where(nan_mask(a), fill, a), axis=axis, keepdims=keepdims)
    empty = _all_nan(a, axis, keepdims)
    return where(const(empty), float("nan"), out) if empty.any() else out


@traced
def nanmax(a, axis=None, out=None, keepdims=False):
    """Maximum ignoring NaNs (NaN for an all-NaN slice)."""
    return _nan_extreme(a, axis, keepdims, "max", float("-inf"))


@traced
def nanmin(a, axis=None, out=None, keepdims=False):
    """Minimum ignoring NaNs (NaN for an all-NaN slice)."""
    return _nan_extreme(a, axis, keepdims, "min", float("inf"))


def _nan_arg(a, axis, name, fill):
    a = arr(a)
    if a.dtype.kind == "f":
        if _all_nan(a, axis, False).any():
            raise ValueError("All-NaN slice encountered")
        a = where(nan_mask(a), fill, a)
    return FUNCTIONS[name](a, axis=axis)


@traced
def nanargmax(a, axis=None):
    """Index of the maximum ignoring NaNs (int64; ValueError for an all-NaN slice)."""
    return _nan_arg(a, axis, "argmax", float("-inf"))


@traced
def nanargmin(a, axis=None):
    """Index of the minimum ignoring NaNs (int64; ValueError for an all-NaN slice)."""
    return _nan_arg(a, axis, "argmin", float("inf"))


def _filled(a, value):
    a = arr(a)
    return where(nan_mask(a), value, a) if a.dtype.kind == "f" else a


@traced
def nanprod(a, axis=None, dtype=None, out=None, keepdims=False):
    """Product treating NaNs as one."""
    return FUNCTIONS["prod"](_filled(a, 1.0), axis=axis, dtype=dtype, keepdims=keepdims)


@traced
def nancumsum(a, axis=None, dtype=None, out=None):
    """Running sum treating NaNs as zero."""
    return FUNCTIONS["cumsum"](_filled(a, 0.0), axis=axis, dtype=dtype)


def cumprod(a, axis=None):
    """Running product along `axis` (the flattened array when None), by a log-depth scan:
    step k multiplies each element by the one 2**k positions before it (ones before the
    start). Only multiplications: the gradient needs no division, so zeros are fine."""
    a = arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    axis = _axes(axis, a.ndim)[0]
    n = a.shape[axis]
    out, step = a, 1
    while step < n:
        shape = list(a.shape)
        shape[axis] = step
        ones = const(onp.ones(shape, a.dtype))
        head = op("slice_axis", [out], axis=axis, begin=0, end=n - step)
        out = out * FUNCTIONS["concatenate"]([ones, head], axis=axis)
        step *= 2
    return out


@traced
def nancumprod(a, axis=None, dtype=None, out=None):
    """Running product treating NaNs as one."""
    filled = _filled(a, 1.0)
    return cumprod(filled if dtype is None else cast(filled, dtype), axis=axis)


_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _quantile(a, q, axis, method, keepdims, skip_nan, dtype=None):
    """Quantiles q (fractions, constant data) of `a` over `axis`: sort each lane, gather
    the neighbours of the virtual index q * (n - 1) (n: the lane's non-NaN count when
    `skip_nan`) and interpolate by `method`."""
    a = arr(a)
    if a.dtype.kind != "f":  # MXNet's operators give float32, NumPy 1.23's nan* float64
        a = cast(a, dtype if dtype is not None else "float32")
    if method not in _METHODS:
        raise ValueError("'%s' is not a valid method. Use one of: %s" % (method, _METHODS))
    qs = onp.asarray(host(q), dtype=onp.float64)
    if ((qs < 0) | (qs > 1)).any() or onp.isnan(qs).any():
        raise ValueError("Quantiles must be in the range [0, 1]")
    axes = _axes(axis, a.ndim)
    keep = [i for i in range(a.ndim) if i not in axes]
    lane = int(onp.prod([a.shape[i] for i in axes]))
    lanes = a.transpose(*(keep + list(axes))).reshape(
        tuple(a.shape[i] for i in keep) + (lane,)) if a.ndim else a.reshape(1)
    if lane == 0:
        raise ValueError("quantile of an empty array")
    ordered = FUNCTIONS["sort"](lanes, axis=-1)
    rest = lanes.shape[:-1]
    counts = onp.full(rest, lane, dtype=onp.int64)
    if skip_nan and a.dtype.kind == "f":
        counts = lane - onp.isnan(host(lanes)).sum(axis=-1)
    k = qs.reshape(-1)
    virtual = (onp.maximum(counts, 1)[..., None] - 1) * k
    lo = onp.floor(virtual)
    hi = onp.minimum(lo + 1, onp.maximum(counts, 1)[..., None] - 1)
    gamma = virtual - lo
    if method == "lower":
        hi, gamma = lo, None
    elif method == "higher":
        lo = hi = onp.where(gamma > 0, hi, lo)
        gamma = None
    elif method == "nearest":
        lo = hi = onp.around(virtual)
        gamma = None
    elif method == "midpoint":
        gamma = onp.where(gamma > 0, 0.5, 0.0)
    pick_lo = op("_take_along_axis", [ordered, const(lo.astype(onp.int64))], axis=-1)
    if gamma is None:
        out = pick_lo
    else:
        pick_hi = op("_take_along_axis", [ordered, const(hi.astype(onp.int64))], axis=-1)
        out = pick_lo + (pick_hi - pick_lo) * const(gamma.astype(a.dtype))
    if (counts == 0).any():
        out = where(const(onp.broadcast_to((counts == 0)[..., None], out.shape)),
                    float("nan"), out)
    out = FUNCTIONS["moveaxis"](out, -1, 0) if out.ndim > 1 else out
    shape = list(a.shape)
    for i in axes:
        shape[i] = 1
    tail = tuple(shape) if keepdims else tuple(a.shape[i] for i in keep)
    out = out.reshape(qs.shape + tail)
    return out if dtype is None else cast(out, dtype)


def _method(method, interpolation):
    return interpolation if interpolation is not None else (method or "linear")


@traced
def quantile(a, q, axis=None, out=None, overwrite_input=None, interpolation=None,
             keepdims=False, method=None):
    """The q-th quantiles (q in [0, 1], constant data) over `axis`."""
    return _quantile(a, q, axis, _method(method, interpolation), keepdims, False)


@traced
def percentile(a, q, axis=None, out=None, overwrite_input=None, interpolation=None,
               keepdims=False, method=None):
    """The q-th percentiles (q in [0, 100], constant data) over `axis`."""
    qs = onp.asarray(host(q), dtype=onp.float64)
    if ((qs < 0) | (qs > 100)).any():
        raise ValueError("Percentiles must be in the range [0, 100]")
    return _quantile(a, qs / 100.0, axis, _method(method, interpolation), keepdims, False)


def _nan_dtype(a):
    # MXNet 1.9.1 computes these with NumPy 1.23, whose q / 100.0 promotes to float64
    return onp.promote_types(arr(a).dtype, onp.float64)


@traced
def nanquantile(a, q, axis=None, out=None, overwrite_input=False, interpolation=None,
                keepdims=False, method=None):
    """The q-th quantiles ignoring NaNs (float64, as MXNet 1.9.1)."""
    return _quantile(a, q, axis, _method(method, interpolation), keepdims, True,
                     _nan_dtype(a))


@traced
def nanpercentile(a, q, axis=None, out=None, overwrite_input=False, interpolation=None,
                  keepdims=False, method=None):
    """The q-th percentiles ignoring NaNs (float64, as MXNet 1.9.1)."""
    qs = onp.asarray(host(q), dtype=onp.float64)
    if ((qs < 0) | (qs > 100)).any():
        raise ValueError("Percentiles must be in the range [0, 100]")
    return _quantile(a, qs / 100.0, axis, _method(method, interpolation), keepdims, True,
                     _nan_dtype(a))


@traced
def nanmedian(a, axis=None, out=None, overwrite_input=False, keepdims=False):
    """The median ignoring NaNs (float64 for integer input, as NumPy)."""
    a = arr(a)
    return _quantile(a, 0.5, axis, "linear", keepdims, True,
                     None if a.dtype.kind == "f" else onp.dtype("float64"))


def _rows(m, rowvar):
    x = cast(as_array(m), onp.promote_types(arr(m).dtype, onp.float64))
    if x.ndim > 2:
        raise ValueError("m has more than 2 dimensions")
    x = x.reshape(1, -1) if x.ndim < 2 else x
    return x.transpose(1, 0) if not rowvar and x.shape[0] != 1 else x


@traced
def cov(m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None,
        dtype=None):
    """Covariance matrix of the variables (rows, or columns when not rowvar), float64;
    weights are constant data."""
    x = _rows(m, rowvar)
    if y is not None:
        x = FUNCTIONS["concatenate"]([x, _rows(y, rowvar)], axis=0)
    if ddof is None:
        ddof = 0 if bias else 1
    n = x.shape[1]
    w = None
    if fweights is not None:
        w = host(fweights).astype(onp.float64)
    if aweights is not None:
        aw = host(aweights).astype(onp.float64)
        w = aw if w is None else w * aw
    if w is None:
        avg = op("mean", [x], axis=1, keepdims=True, exclude=False)
        fact = float(n - ddof)
    else:
        total = float(w.sum())
        avg = op("sum", [x * const(w)], axis=1, keepdims=True, exclude=False) / total
        fact = total - (ddof if aweights is None else
                        ddof * float((w * host(aweights)).sum()) / total)
    centred = x - avg
    weighted = centred if w is None else centred * const(w)
    c = op("_np_dot", [centred, weighted.transpose(1, 0)]) / max(fact, 0.0)
    c = FUNCTIONS["squeeze"](c) if 1 in c.shape else c
    return c if dtype is None else cast(c, dtype)


@traced
def corrcoef(x, y=None, rowvar=True, bias=None, ddof=None, dtype=None):
    """Pearson correlation coefficients (float64)."""
    c = cov(x, y, rowvar, dtype=dtype)
    if c.ndim == 0:
        return c / c
    d = op("sqrt", [FUNCTIONS["diag"](c)])
    return c / d.reshape(-1, 1) / d.reshape(1, -1)


def _correlate_full(big, small):
    nb, ns = big.shape[0], small.shape[0]
    k = onp.arange(nb + ns - 1)[:, None] + onp.arange(ns)[None, :] - (ns - 1)
    windows = gather(big, onp.where((k >= 0) & (k < nb), k, -1), fill=0.0)
    return op("_np_dot", [windows, small])


def _same_start(nb, ns):
    return (ns - 1) // 2


@traced
def correlate(a, v, mode="valid"):
    """Cross-correlation of two 1-D sequences (modes 'valid', 'same', 'full')."""
    a, v = arr(a), arr(v)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError("object too deep for desired array")
    if not a.size or not v.size:
        raise ValueError("%s cannot be empty" % ("a" if not a.size else "v"))
    if mode not in ("valid", "same", "full"):
        raise ValueError("mode must be one of 'valid', 'same', or 'full' (got %r)" % (mode,))
    dtype = onp.result_type(a.dtype, v.dtype)
    a, v = cast(a, dtype), cast(v, dtype)
    swapped = v.shape[0] > a.shape[0]
    big, small = (v, a) if swapped else (a, v)
    nb, ns = big.shape[0], small.shape[0]
    full = _correlate_full(big, small)
    if mode == "valid":
        out = op("slice_axis", [full], axis=0, begin=ns - 1, end=nb)
    elif mode == "same":
        start = ns - 1 - _same_start(nb, ns)
        out = op("slice_axis", [full], axis=0, begin=start, end=start + nb)
    else:
        out = full
    return op("reverse", [out], axis=(0,)) if swapped else out

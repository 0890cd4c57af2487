"""Traced mx.np arithmetic that MXNet 1.9.1 serves on the host or as separate operators:
products (inner, vdot), sign and exponent manipulation (copysign, ldexp, frexp, modf,
float_power), NaN handling, step functions, the Bessel function i0, integration (trapz),
interpolation (interp), unwrap, vander and ediff1d. Each records registered operators;
pieces with a zero derivative almost everywhere (signs, exponents, integer parts, masks)
enter as constant data."""
from __future__ import annotations

import math

import numpy as onp

from .library import FUNCTIONS, arr
from .traced_common import (as_array, cast, const, gather, host, is_array, nan_mask,
                            norm_axis, op, traced, where)

_I0_A = (
    -4.4153416464793395e-18, 3.3307945188222384e-17, -2.431279846547955e-16,
    1.715391285555133e-15, -1.1685332877993451e-14, 7.676185498604936e-14,
    -4.856446783111929e-13, 2.95505266312964e-12, -1.726826291441556e-11,
    9.675809035373237e-11, -5.189795601635263e-10, 2.6598237246823866e-09,
    -1.300025009986248e-08, 6.046995022541919e-08, -2.670793853940612e-07,
    1.1173875391201037e-06, -4.4167383584587505e-06, 1.6448448070728896e-05,
    -5.754195010082104e-05, 0.00018850288509584165, -0.0005763755745385824,
    0.0016394756169413357, -0.004324309995050576, 0.010546460394594998, -0.02373741480589947,
    0.04930528423967071, -0.09490109704804764, 0.17162090152220877, -0.3046826723431984,
    0.6767952744094761)
_I0_B = (
    -7.233180487874754e-18, -4.830504485944182e-18, 4.46562142029676e-17,
    3.461222867697461e-17, -2.8276239805165836e-16, -3.425485619677219e-16,
    1.7725601330565263e-15, 3.8116806693526224e-15, -9.554846698828307e-15,
    -4.150569347287222e-14, 1.54008621752141e-14, 3.8527783827421426e-13,
    7.180124451383666e-13, -1.7941785315068062e-12, -1.3215811840447713e-11,
    -3.1499165279632416e-11, 1.1889147107846439e-11, 4.94060238822497e-10,
    3.3962320257083865e-09, 2.266668990498178e-08, 2.0489185894690638e-07,
    2.8913705208347567e-06, 6.889758346916825e-05, 0.0033691164782556943, 0.8044904110141088)


def _float(a):
    """`a` in floating point: integers and booleans become float64 (NumPy's promotion)."""
    return a if a.dtype.kind == "f" else cast(a, "float64")


@traced
def inner(a, b):
    """Sum of products over the last axes (a scalar times an array for 0-d inputs)."""
    a, b = arr(a), arr(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.shape[-1] != b.shape[-1]:
        raise ValueError("inner: shapes %s and %s not aligned: %d (dim %d) != %d (dim %d)"
                         % (a.shape, b.shape, a.shape[-1], a.ndim - 1, b.shape[-1],
                            b.ndim - 1))
    return FUNCTIONS["tensordot"](a, b, axes=([a.ndim - 1], [b.ndim - 1]))


@traced
def vdot(a, b):
    """Dot product of the flattened arrays (a 0-d array)."""
    a, b = arr(a), arr(b)
    if a.size != b.size:
        raise ValueError("vdot: vectors have different lengths %d and %d" % (a.size, b.size))
    return op("_np_dot", [a.reshape(-1), b.reshape(-1)])


@traced
def copysign(x1, x2, out=None, **kwargs):
    """|x1| with the sign of x2 (x2's sign bit is constant data: no gradient to x2)."""
    a = as_array(x1, x2 if is_array(x2) else None)
    sign = onp.where(onp.signbit(host(x2)), -1, 1).astype(a.dtype)  # (MXNet keeps integers)
    return op("abs", [a]) * const(sign)


@traced
def float_power(x1, x2, out=None, **kwargs):
    """x1 ** x2 computed in float64."""
    if not is_array(x1):
        return float(x1) ** cast(arr(x2), "float64")
    base = cast(arr(x1), "float64")
    return base ** (cast(arr(x2), "float64") if is_array(x2) else float(x2))


@traced
def ldexp(x1, x2, out=None, **kwargs):
    """x1 * 2 ** x2 (differentiable in both; integer exponents are constant data)."""
    m = as_array(x1, x2 if is_array(x2) else None)
    if m.dtype.kind != "f":  # MXNet keeps the integer dtype
        return cast(ldexp(cast(m, "float64"), x2), m.dtype)
    if not is_array(x2):
        with onp.errstate(over="ignore"):
            return m * const(onp.power(2.0, onp.clip(float(x2), -4096, 4096)), m.dtype)
    e = arr(x2)
    if e.dtype.kind != "f":
        exponent = onp.clip(host(e), -4096, 4096).astype(onp.int32)
        return m * const(onp.ldexp(onp.ones((), m.dtype), exponent).astype(m.dtype))
    return m * (2.0 ** cast(e, m.dtype))


@traced
def frexp(x, out=None, **kwargs):
    """(mantissa, exponent) with x = mantissa * 2 ** exponent, |mantissa| in [0.5, 1): the
    mantissa is x times a constant power of two; the exponent is int32 constant data."""
    a = _float(arr(x))
    exponent = onp.frexp(host(a))[1]
    scale = onp.ldexp(1.0, -exponent.astype(onp.int64))
    if a.dtype == onp.float64 or onp.abs(exponent).max(initial=0) < 100:
        mantissa = a * const(scale.astype(a.dtype))
    else:  # a subnormal's scale overflows float32
        mantissa = cast(cast(a, "float64") * const(scale), a.dtype)
    return mantissa, const(exponent.astype(onp.int32))


@traced
def modf(x, out=None, **kwargs):
    """(fractional part, integral part), both with the sign of x."""
    a = _float(arr(x))
    whole = op("trunc", [a])
    return a - whole, whole


@traced
def divmod_(x1, x2, out=None, **kwargs):
    """(x1 // x2, x1 % x2): the quotient is constant data (piecewise constant), the
    remainder is traced."""
    a = as_array(x1, x2 if is_array(x2) else None)
    remainder = FUNCTIONS["mod"](a, x2)
    quotient = onp.floor_divide(host(a), host(x2)).astype(remainder.dtype)
    return const(quotient), remainder


@traced
def nan_to_num(x, copy=True, nan=0.0, posinf=None, neginf=None, **kwargs):
    """NaN replaced by `nan`, infinities by `posinf` / `neginf` (default: the largest
    finite values); the other elements pass through."""
    a = arr(x)
    if a.dtype.kind not in "fc":
        return op("_copy", [a])
    info = onp.finfo(a.dtype)
    big = info.max if posinf is None else posinf
    small = info.min if neginf is None else neginf
    out = where(nan_mask(a), float(nan), a)
    out = where(op("_equal_scalar", [a], scalar=float("inf")), float(big), out)
    return where(op("_equal_scalar", [a], scalar=float("-inf")), float(small), out)


@traced
def heaviside(x1, x2, out=None, **kwargs):
    """0 where x1 < 0, 1 where x1 > 0, x2 where x1 == 0 (NaN stays NaN)."""
    a = _float(arr(x1))
    h = as_array(x2, a)
    mid = where(op("_greater_scalar", [a], scalar=0.0), 1.0, cast(h, a.dtype))
    step = where(op("_lesser_scalar", [a], scalar=0.0), 0.0, mid)
    return where(nan_mask(a), a, step)


@traced
def spacing(x, out=None, **kwargs):
    """The distance to the next representable number (constant data: its derivative is
    zero almost everywhere)."""
    return const(onp.spacing(host(x)))


def _chbevl(x, coefficients):
    b0, b1 = x * 0.0 + coefficients[0], x * 0.0
    b2 = b1
    for c in coefficients[1:]:
        b2 = b1
        b1 = b0
        b0 = x * b1 - b2 + c
    return (b0 - b2) * 0.5


@traced
def i0(x):
    """The modified Bessel function of the first kind of order 0 (Cephes' Chebyshev
    expansions, as NumPy), computed in float64."""
    a = arr(x)
    dtype = a.dtype if a.dtype.kind == "f" else onp.dtype("float64")
    z = op("abs", [cast(a, "float64")])
    small = op("_lesser_equal_scalar", [z], scalar=8.0)
    z1 = where(small, z, 0.0)  # each branch sees only inputs where it is finite
    z2 = where(small, 9.0, z)
    near = op("exp", [z1]) * _chbevl(z1 * 0.5 - 2.0, _I0_A)
    far = op("exp", [z2]) * _chbevl(32.0 / z2 - 2.0, _I0_B) / op("sqrt", [z2])
    return cast(where(small, near, far), dtype)


@traced
def trapz(y, x=None, dx=1.0, axis=-1):
    """Integral of y along `axis` by the trapezoidal rule (sample points x, or spacing dx)."""
    y = _float(arr(y))
    axis = norm_axis(axis, y.ndim, "trapz")
    n = y.shape[axis]
    hi = op("slice_axis", [y], axis=axis, begin=1, end=max(n, 1))
    lo = op("slice_axis", [y], axis=axis, begin=0, end=max(n - 1, 0))
    if x is None:
        d = dx
    else:
        xs = as_array(x, y)
        if xs.ndim == 1:
            d = FUNCTIONS["diff"](xs)
            shape = [1] * y.ndim
            shape[axis] = d.shape[0]
            d = d.reshape(shape)
        else:
            d = FUNCTIONS["diff"](xs, axis=axis)
    total = (hi + lo) * d / 2.0
    return op("sum", [total], axis=axis, keepdims=False, exclude=False)


@traced
def interp(x, xp, fp, left=None, right=None, period=None):
    """Piecewise-linear interpolation of the points (xp, fp) at x, in float64 (xp
    increasing; the segment of each x is constant data)."""
    xs = cast(as_array(x), "float64")
    xps, fps = cast(as_array(xp), "float64"), cast(as_array(fp), "float64")
    if xps.ndim != 1 or fps.ndim != 1 or xps.shape != fps.shape or not xps.size:
        raise ValueError("interp: fp and xp are not of the same length or are empty")
    if period is not None:
        period = abs(float(period))
        if period == 0:
            raise ValueError("period must be a non-zero value")
        xs, xps = FUNCTIONS["mod"](xs, period), FUNCTIONS["mod"](xps, period)
        order = onp.argsort(host(xps), kind="stable")
        xps, fps = gather(xps, order), gather(fps, order)
        n = xps.shape[0]
        xps = FUNCTIONS["concatenate"]([gather(xps, [n - 1]) - period, xps,
                                        gather(xps, [0]) + period])
        fps = FUNCTIONS["concatenate"]([gather(fps, [n - 1]), fps, gather(fps, [0])])
        left = right = None
    grid, points = host(xps), host(xs)
    n = grid.shape[0]
    if n == 1:
        return op("broadcast_to", [fps.reshape(())], shape=xs.shape) if xs.ndim else \
            fps.reshape(())
    seg = onp.clip(onp.searchsorted(grid, points, side="right") - 1, 0, n - 2)
    x_lo, x_hi = gather(xps, seg), gather(xps, seg + 1)
    f_lo, f_hi = gather(fps, seg), gather(fps, seg + 1)
    out = f_lo + (f_hi - f_lo) / (x_hi - x_lo) * (xs - x_lo)
    out = where(const(points == grid[-1]), gather(fps, onp.full(seg.shape, n - 1)), out)
    low = gather(fps, onp.zeros(seg.shape, onp.int64)) if left is None else \
        cast(as_array(left), "float64")
    high = gather(fps, onp.full(seg.shape, n - 1)) if right is None else \
        cast(as_array(right), "float64")
    out = where(const(points < grid[0]), low, out)
    return where(const(points > grid[-1]), high, out)


@traced
def unwrap(p, discont=None, axis=-1, period=2 * math.pi):
    """p with jumps larger than `discont` along `axis` replaced by their period
    complement: p plus a constant correction (piecewise constant in p)."""
    a = _float(arr(p))
    values = host(a)
    corrected = onp.unwrap(values, discont=discont, axis=axis, period=period)
    return a + const((corrected - values).astype(a.dtype))


@traced
def vander(x, N=None, increasing=False):
    """The Vandermonde matrix: columns x ** (N - 1), ..., x ** 0 (increasing powers when
    `increasing`), in float64 for float32 input (NumPy's promotion with int)."""
    a = arr(x)
    if a.ndim != 1:
        raise ValueError("x must be a one-dimensional array or sequence.")
    dtype = onp.promote_types(a.dtype, onp.int64)
    a = cast(a, dtype)
    n = a.shape[0] if N is None else int(N)
    cols = []
    for k in range(n):
        cols.append(op("ones_like", [a]) if k == 0 else (a if k == 1 else cols[-1] * a))
    if not increasing:
        cols = cols[::-1]
    if not cols:
        return const(onp.zeros((a.shape[0], 0), dtype))
    return FUNCTIONS["stack"](cols, axis=1)


@traced
def ediff1d(ary, to_end=None, to_begin=None):
    """Differences of consecutive elements of the flattened array, with `to_begin` and
    `to_end` prepended and appended."""
    a = arr(ary).reshape(-1)
    parts = [FUNCTIONS["diff"](a) if a.size else a]
    if to_begin is not None:
        parts.insert(0, cast(as_array(to_begin, a), a.dtype).reshape(-1))
    if to_end is not None:
        parts.append(cast(as_array(to_end, a), a.dtype).reshape(-1))
    return FUNCTIONS["concatenate"](parts) if len(parts) > 1 else parts[0]


@traced
def product(a, axis=None, dtype=None, out=None, keepdims=False):
    """Product over `axis` (prod)."""
    return FUNCTIONS["prod"](a, axis=axis, dtype=dtype, keepdims=keepdims)

"""Traced mx.np polynomial functions (coefficients highest power first, as NumPy's
polyval, polyadd, polysub, polymul, polyint, poly and polydiv): each records registered
operators, so gradients of any order reach the coefficients and the points."""
from __future__ import annotations

import numpy as onp

from ..ir.errors import NonDifferentiableError
from ..trace.tape import STATE
from .library import FUNCTIONS, arr
from .traced_common import as_array, cast, const, host, op, traced
from .traced_stats import correlate


def _coefficient(p, i):
    return op("slice_axis", [p], axis=0, begin=i, end=i + 1).reshape(())


def _poly1d(p):
    p = arr(p)
    if p.ndim == 0:
        return p.reshape(1)
    if p.ndim != 1:
        raise ValueError("Polynomial must be 1d only.")
    return p


@traced
def polyval(p, x):
    """The polynomial with coefficients p evaluated at x (Horner's scheme)."""
    p = _poly1d(p)
    xs = as_array(x, p)
    y = xs * 0.0
    for i in range(p.shape[0]):
        y = y * xs + _coefficient(p, i)
    return y


def _aligned(a1, a2):
    a1, a2 = _poly1d(a1), _poly1d(a2)
    dtype = onp.result_type(a1.dtype, a2.dtype)
    a1, a2 = cast(a1, dtype), cast(a2, dtype)
    diff = a2.shape[0] - a1.shape[0]
    zeros = const(onp.zeros(abs(diff), dtype))
    if diff > 0:
        a1 = FUNCTIONS["concatenate"]([zeros, a1])
    elif diff < 0:
        a2 = FUNCTIONS["concatenate"]([zeros, a2])
    return a1, a2


@traced
def polyadd(a1, a2):
    """The sum of two polynomials."""
    a1, a2 = _aligned(a1, a2)
    return a1 + a2


@traced
def polysub(a1, a2):
    """The difference of two polynomials."""
    a1, a2 = _aligned(a1, a2)
    return a1 - a2


@traced
def polymul(a1, a2):
    """The product of two polynomials (the convolution of their coefficients)."""
    a1, a2 = _poly1d(a1), _poly1d(a2)
    return correlate(a1, op("reverse", [a2], axis=(0,)), "full")


@traced
def polyint(p, m=1, k=None):
    """The m-th antiderivative, with integration constants k (float64, as NumPy)."""
    m = int(m)
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    if m > 4096:
        raise ValueError("polyint: order %d would record %d integrations; at most 4096 are "
                         "supported" % (m, m))
    ks = onp.zeros(m, onp.float64) if k is None else onp.atleast_1d(host(k))
    if len(ks) == 1 and m > 1:
        ks = ks[0] * onp.ones(m, onp.float64)
    if len(ks) < m:
        raise ValueError("k must be a scalar or a rank-1 array of length 1 or >m.")
    p = _poly1d(p)
    p = cast(p, onp.promote_types(p.dtype, onp.float64))
    for i in range(m):
        n = p.shape[0]
        p = FUNCTIONS["concatenate"]([p / const(onp.arange(n, 0, -1, dtype=onp.float64)),
                                      const([float(ks[i])], onp.float64)])
    return p


@traced
def poly(seq_of_zeros):
    """The coefficients of the monic polynomial with the given roots (traced), or the
    characteristic polynomial of a square matrix (its eigenvalues come from the host)."""
    zeros = arr(seq_of_zeros)
    if zeros.ndim == 2:
        if STATE.recording and zeros._value is not None:
            raise NonDifferentiableError(
                "mx.np.poly of a matrix needs its eigenvalues, computed on the host by "
                "NumPy (not differentiable); call it outside autograd.record()")
        return const(onp.poly(host(zeros)).astype(zeros.dtype))
    if zeros.ndim != 1:
        raise ValueError("input must be 1d or non-empty square 2d array.")
    coefficients = const(onp.ones(1, zeros.dtype))
    for i in range(zeros.shape[0]):
        z = _coefficient(zeros, i)
        shifted = FUNCTIONS["concatenate"]([const(onp.zeros(1, zeros.dtype)), coefficients])
        coefficients = FUNCTIONS["concatenate"]([coefficients,
                                                 const(onp.zeros(1, zeros.dtype))]) - \
            shifted * z
    return coefficients


@traced
def polydiv(u, v):
    """(quotient, remainder) of polynomial division (leading zeros of the remainder
    dropped, as NumPy)."""
    u, v = _poly1d(u), _poly1d(v)
    dtype = onp.result_type(u.dtype, v.dtype, onp.float16)
    u, v = cast(u, dtype), cast(v, dtype)
    m, n = u.shape[0] - 1, v.shape[0] - 1
    scale = 1.0 / _coefficient(v, 0)
    rest = [_coefficient(u, i) for i in range(m + 1)]
    divisor = [_coefficient(v, j) for j in range(n + 1)]
    quotient = []
    for k in range(m - n + 1):
        d = scale * rest[k]
        quotient.append(d)
        for j in range(n + 1):
            rest[k + j] = rest[k + j] - d * divisor[j]
    if not quotient:
        quotient = [const(onp.zeros((), dtype))]
    while len(rest) > 1 and onp.allclose(host(rest[0]), 0, rtol=1e-14):
        rest = rest[1:]
    return FUNCTIONS["stack"](quotient), FUNCTIONS["stack"](rest)

"""Special functions on NumPy arrays without SciPy: erf, erfinv, gamma, gammaln, polygamma.

Accuracy is close to float64 round-off. polygamma works for any x that is not a
non-positive integer (it shifts x above 12 with the recurrence, which also holds for
negative x; the cost grows with |x| for large negative x).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

_erf = np.vectorize(math.erf, otypes=[np.float64])


def _gamma_at(v: float) -> float:
    """math.gamma, with MXNet's values where it raises: inf at 0 and on overflow, NaN at
    the negative integers and -inf."""
    try:
        return math.gamma(v)
    except ValueError:
        return math.inf if v == 0 else math.nan
    except OverflowError:
        return math.inf


def _lgamma_at(v: float) -> float:
    """math.lgamma, with inf at the poles (0 and the negative integers) and on overflow."""
    try:
        return math.lgamma(v)
    except (ValueError, OverflowError):
        return math.inf


_gamma = np.vectorize(_gamma_at, otypes=[np.float64])
_lgamma = np.vectorize(_lgamma_at, otypes=[np.float64])

# Bernoulli numbers B_2, B_4, ..., B_20 for the asymptotic series.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510,
              43867 / 798, -174611 / 330)


def erf(x: np.ndarray) -> np.ndarray:
    """The error function, elementwise, in x's dtype."""
    return _erf(x).astype(x.dtype, copy=False)


def erfinv(x: np.ndarray) -> np.ndarray:
    """The inverse error function on (-1, 1): Giles' approximation refined by Newton steps.

    It is +-inf at +-1 and NaN outside [-1, 1], as MXNet's."""
    y = np.asarray(x, dtype=np.float64)
    w = -np.log(np.maximum((1.0 - y) * (1.0 + y), 1e-300))
    small = w < 5.0
    ws, wl = w - 2.5, np.sqrt(w) - 3.0
    ps: Any = 2.81022636e-08
    for c in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
              -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
        ps = c + ps * ws
    pl: Any = -0.000200214257
    for c in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
              -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
        pl = c + pl * wl
    r = np.where(small, ps, pl) * y
    for _ in range(3):
        err = _erf(r) - y
        r = r - err / (2.0 / math.sqrt(math.pi) * np.exp(-r * r))
    r = np.where(np.abs(y) >= 1.0, np.sign(y) * np.inf, r)
    r = np.where(np.abs(y) > 1.0, np.nan, r)
    return r.astype(x.dtype, copy=False)


def gamma(x: np.ndarray) -> np.ndarray:
    """The gamma function, elementwise."""
    return _gamma(x).astype(x.dtype, copy=False)


def gammaln(x: np.ndarray) -> np.ndarray:
    """log |gamma(x)|, elementwise."""
    return _lgamma(x).astype(x.dtype, copy=False)


def polygamma(n: int, x: np.ndarray) -> np.ndarray:
    """The n-th derivative of digamma (n = 0 is digamma itself).

    Shifts x above 12 with the recurrence, then sums the asymptotic series.
    """
    z = np.array(x, dtype=np.float64)
    acc = np.zeros_like(z)
    sign = -1.0 if n % 2 == 0 else 1.0  # (-1)^(n+1)
    fact = float(math.factorial(n))
    while True:
        low = z < 12.0
        if not low.any():
            break
        if n == 0:
            acc -= np.where(low, 1.0 / z, 0.0)
        else:
            acc += np.where(low, sign * fact / z ** (n + 1), 0.0)
        z = np.where(low, z + 1.0, z)
    if n == 0:
        series = np.log(z) - 0.5 / z
        for k, b in enumerate(_BERNOULLI, start=1):
            series -= b / (2 * k * z ** (2 * k))
    else:
        series = math.factorial(n - 1) / z ** n + fact / (2.0 * z ** (n + 1))
        for k, b in enumerate(_BERNOULLI, start=1):
            series += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) *
                                                          z ** (2 * k + n))
        series *= sign
    return (acc + series).astype(np.asarray(x).dtype, copy=False)

"""`mx.nd.contrib.hawkesll`: the log-likelihood of marked Hawkes processes with exponential
kernels, written with registered operators (a loop over the T points, vectorised over the
N sequences and K marks), so it differentiates with respect to every float input to any
order.

For sequence i, with background intensities lda[i, k], branching ratios alpha[k] and decay
rates beta[k], the memory s_k decays as exp(-beta_k dt) between points and grows by one at
each point of mark k; a point of mark c at time t contributes
log(lda[i, c] + alpha[c] beta[c] s_c(t)) and the compensator subtracts the integral of
every intensity over (0, max_time[i]]. The result is (log-likelihood (N,), s(max_time)
(N, K)), as MXNet's `hawkesll`."""
from __future__ import annotations

import numpy as np

from ..ir.errors import MXNetError
from .ndarray import NDArray
from .ops import NAMESPACE, _as_inputs

_F = NAMESPACE


def _check(lda, alpha, beta, state, lags, marks, valid_length, max_time):
    if lda.ndim != 2:
        raise MXNetError("hawkesll: lda must have shape (N, K), got %s" % (lda.shape,))
    n, k = lda.shape
    want = {"alpha": (alpha, (k,)), "beta": (beta, (k,)), "state": (state, (n, k)),
            "valid_length": (valid_length, (n,)), "max_time": (max_time, (n,))}
    for name, (a, shape) in want.items():
        if tuple(a.shape) != shape:
            raise MXNetError("hawkesll: %s must have shape %s, got %s"
                             % (name, shape, tuple(a.shape)))
    if lags.ndim != 2 or lags.shape[0] != n or tuple(marks.shape) != tuple(lags.shape):
        raise MXNetError("hawkesll: lags and marks must both have shape (N, T) with N=%d, "
                         "got %s and %s" % (n, tuple(lags.shape), tuple(marks.shape)))
    if np.dtype(marks.dtype).kind not in "iu":
        raise MXNetError("hawkesll: marks must be integers (int32), got %s" % marks.dtype)


def hawkesll(lda, alpha, beta, state, lags, marks, valid_length, max_time, out=None,
             name=None, **kwargs):
    """(log-likelihood of each sequence (N,), the memory at max_time (N, K)): MXNet's
    contrib.hawkesll (see the module docstring)."""
    if kwargs:
        raise MXNetError("hawkesll: unexpected arguments %s" % ", ".join(sorted(kwargs)))
    if out is not None:
        raise MXNetError("hawkesll: out= is not supported (it has two outputs)")
    lda, alpha, beta, state, lags, marks, valid_length, max_time = _as_inputs(
        [lda, alpha, beta, state, lags, marks, valid_length, max_time])
    _check(lda, alpha, beta, state, lags, marks, valid_length, max_time)
    n, k = lda.shape
    row = (1, k)
    alpha_r = _F["Reshape"](alpha, shape=row)
    beta_r = _F["Reshape"](beta, shape=row)
    alpha_beta = alpha_r * beta_r
    lengths = _F["Cast"](valid_length, dtype=lda.dtype)
    s, ll = state, None
    elapsed = _F["zeros_like"](max_time)
    for j in range(lags.shape[1]):
        valid = _F["Cast"](lengths > j, dtype=lda.dtype)  # (N,): point j is observed
        dt = _F["slice_axis"](lags, axis=1, begin=j, end=j + 1)  # (N, 1)
        dt = dt * _F["Reshape"](valid, shape=(n, 1))
        decay = _F["exp"](_F["broadcast_mul"](beta_r, -dt))  # (N, K)
        mark = _F["one_hot"](_F["slice_axis"](marks, axis=1, begin=j, end=j + 1),
                             depth=k, dtype=lda.dtype)
        mark = _F["Reshape"](mark, shape=(n, k))
        s_before = s * decay
        intensity = lda + _F["broadcast_mul"](alpha_beta, s_before)
        picked = _F["sum"](intensity * mark, axis=1)
        # a missing point adds log(1) = 0 (and no NaN to the gradient)
        term = _F["log"](picked * valid + (1 - valid))
        term = term - _F["sum"](_compensator(lda, alpha_r, s, dt, decay), axis=1)
        ll = term if ll is None else ll + term
        s = s_before + mark * _F["Reshape"](valid, shape=(n, 1))
        elapsed = elapsed + _F["Reshape"](dt, shape=(n,))
    rest = _F["Reshape"](max_time - elapsed, shape=(n, 1))
    decay = _F["exp"](_F["broadcast_mul"](beta_r, -rest))
    tail = _F["sum"](_compensator(lda, alpha_r, s, rest, decay), axis=1)
    ll = -tail if ll is None else ll - tail
    return [ll, s * decay]


def _compensator(lda: NDArray, alpha_r: NDArray, s: NDArray, dt: NDArray, decay: NDArray
                 ) -> NDArray:
    """The integral of every intensity over an interval of length dt (N, 1) starting with
    memory s: lda dt + alpha s (1 - exp(-beta dt))."""
    return _F["broadcast_mul"](lda, dt) + _F["broadcast_mul"](alpha_r, s * (1 - decay))

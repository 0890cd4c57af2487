"""`mx.npx.random`: `seed`, `bernoulli`, and `uniform_n` / `normal_n` (batch shape first)."""
from __future__ import annotations

import numpy as np

from .. import random as _random
from ..accel.lazy import before_write
from ..ir.errors import MXNetError
from ..ndarray.creation import _check_dtype, shape_arg
from ..numpy.ndarray import ndarray


def seed(seed, ctx="all") -> None:
    """Reseed the generator of every sampler (as `mx.random.seed`)."""
    _random.seed(seed, ctx)


def _params(*values):
    return [v._data.astype(np.float64) if isinstance(v, ndarray) else np.float64(v)
            for v in values]


def _wrap(values, dtype) -> ndarray:
    return ndarray._wrap(np.asarray(values).astype(_check_dtype(dtype or np.float32)))


def _observed(draw, dtype, params) -> ndarray:
    """`draw()` as an ndarray of `dtype`, told to a tracer (`mx.random.observe_sample`)."""
    dt = _check_dtype(dtype or np.float32)
    return _random.observe_sample(_wrap(draw(), dtype),
                                  lambda: np.asarray(draw()).astype(dt), params)


def _batch(batch_shape, *params):
    batch = () if batch_shape is None else shape_arg(batch_shape)
    return batch + np.broadcast_shapes(*(np.shape(p) for p in params))


def uniform_n(low=0.0, high=1.0, batch_shape=None, dtype=None, ctx=None) -> ndarray:
    """U[low, high) samples of shape `batch_shape + broadcast(low, high).shape`."""
    lo, hi = _params(low, high)
    shape = _batch(batch_shape, lo, hi)
    return _observed(lambda: _random.generator().uniform(lo, hi, shape), dtype, [low, high])


def normal_n(loc=0.0, scale=1.0, batch_shape=None, dtype=None, ctx=None) -> ndarray:
    """N(loc, scale^2) samples of shape `batch_shape + broadcast(loc, scale).shape`."""
    m, s = _params(loc, scale)
    shape = _batch(batch_shape, m, s)
    return _observed(lambda: _random.generator().normal(m, s, shape), dtype, [loc, scale])


def bernoulli(prob=None, logit=None, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    """0/1 samples with P(1) = prob (or sigmoid(logit)); exactly one of them is given."""
    if (prob is None) == (logit is None):
        raise ValueError("Either `prob` or `logit` must be specified, but not both. "
                         "Received prob={}, logit={}".format(prob, logit))
    if prob is None:
        p = 1.0 / (1.0 + np.exp(-_params(logit)[0]))
    else:
        p = _params(prob)[0]
    if np.any((p < 0) | (p > 1)):
        raise MXNetError("bernoulli: prob must be in [0, 1]")
    shape = np.shape(p) if size is None else shape_arg(size)
    result = _observed(lambda: _random.generator().random(shape) < p, dtype, [prob, logit])
    if out is not None:
        before_write()
        out._data[...] = result._data
        return out
    return result

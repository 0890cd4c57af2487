"""`mx.nd.random`: MXNet 1.9.1's samplers, drawn from the seeded generator (`mx.random`).

Scalar parameters draw `shape` samples (shape (1,) by default, float32 unless `dtype`);
NDArray parameters draw per element: the result has shape `param.shape + shape`, as
MXNet's `sample_*` operators. Samples are not differentiable (they are not recorded).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .. import random as _random
from ..context import current_context  # noqa: F401  (MXNet's module exports it)
from ..ir import TensorType
from ..ir.errors import DTypeError, MXNetError
from .creation import _check_dtype, fits_in_memory, shape_arg
from .ndarray import NDArray

_FLOATS = ("float16", "float32", "float64")


class DistributionParamsError(MXNetError, AssertionError):
    """Scalar and NDArray distribution parameters mixed (MXNet asserts; an MXNetError)."""


def _dtype(dtype, allowed: Sequence[str], op: str, default: str = "float32") -> np.dtype:
    name = default if dtype is None else np.dtype(_check_dtype(dtype)).name
    if name not in allowed:
        raise DTypeError("Invalid Input: '%s', valid values are: {'None', %s}, in operator %s"
                         % (name, ", ".join("'%s'" % a for a in allowed), op))
    return np.dtype(name)


def _shape(shape) -> tuple:
    if shape is None:
        return ()
    return shape_arg(shape)


def _finish(values, dtype: np.dtype, out):
    data = np.asarray(values).astype(dtype, copy=False)
    if out is not None:
        out._data[...] = data
        return out
    return NDArray._wrap(np.ascontiguousarray(data))


def _draw(op: str, draw: Callable, params: Sequence, shape, dtype, out, check=None):
    """Sample `draw(*params, size)` with MXNet's scalar / per-element parameter rules."""
    arrays = [isinstance(p, NDArray) for p in params]
    if any(arrays) and not all(arrays):
        kinds = {type(p) for p in params}
        raise DistributionParamsError(
            "Distribution parameters must all have the same type, but got both %s."
            % " and ".join(str(k) for k in kinds))
    dt = _dtype(dtype, _FLOATS, op)
    if all(arrays) and params:
        values = [p._data.astype(np.float64) for p in params]
        base = np.broadcast_shapes(*(v.shape for v in values))
        extra = _shape(shape)
        size = base + extra
        values = [np.broadcast_to(v, base).reshape(base + (1,) * len(extra)) for v in values]
    else:
        values = [float(p) for p in params]
        size = _shape(shape) or (1,)
    if check is not None:
        check(*values)
    fits_in_memory(TensorType.get(size, "float64"), "random")

    def sample():
        return np.ascontiguousarray(np.asarray(draw(_random.generator(), *values, size))
                                    .astype(dt, copy=False))
    return _random.observe_sample(_finish(sample(), dt, out), sample, params)


def _low_high(low, high):
    if np.any(np.asarray(high) < np.asarray(low)):
        raise MXNetError("Check failed: param.high >= param.low: low must be less or equal "
                         "to high in uniform distribution")


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from U[low, high)."""
    return _draw("_random_uniform", lambda g, lo, hi, s: g.uniform(lo, hi, s), (low, high),
                 shape, dtype, out, _low_high)


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from N(loc, scale^2)."""
    return _draw("_random_normal", lambda g, m, s, size: g.normal(m, s, size), (loc, scale),
                 shape, dtype, out)


def randn(*shape, loc=0, scale=1, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Standard-normal samples of shape `shape` (positional dimensions)."""
    if not shape:
        raise MXNetError("randn: give the shape as positional dimensions, e.g. randn(2, 3)")
    return normal(loc, scale, shape, dtype, ctx, out)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the exponential distribution with mean `scale` (rate 1/scale)."""
    return _draw("_random_exponential", lambda g, s, size: g.exponential(s, size), (scale,),
                 shape, dtype, out)


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from Gamma(shape alpha, scale beta)."""
    return _draw("_random_gamma", lambda g, a, b, size: g.gamma(a, b, size), (alpha, beta),
                 shape, dtype, out)


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from Poisson(lam), as floating point numbers."""
    return _draw("_random_poisson", lambda g, lam_, size: g.poisson(lam_, size), (lam,),
                 shape, dtype, out)


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None,
                      **kwargs) -> NDArray:
    """Failures before the k-th success with success probability p."""
    return _draw("_random_negative_binomial",
                 lambda g, k_, p_, size: g.negative_binomial(k_, p_, size), (k, p),
                 shape, dtype, out)


def _gnb(g, mu, alpha, size):
    # a Poisson with a Gamma-distributed rate (mean mu, variance mu + alpha * mu^2)
    if np.all(np.asarray(alpha) == 0):
        return g.poisson(mu, size)
    safe = np.where(np.asarray(alpha) == 0, 1.0, alpha)
    lam = g.gamma(1.0 / safe, np.asarray(mu) * safe, size)
    lam = np.where(np.asarray(alpha) == 0, np.broadcast_to(mu, np.shape(lam)), lam)
    return g.poisson(lam)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None,
                                  **kwargs) -> NDArray:
    """Samples with mean mu and variance mu + alpha * mu^2."""
    return _draw("_random_generalized_negative_binomial", _gnb, (mu, alpha), shape, dtype, out)


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Integers drawn uniformly from [low, high) (int32 by default)."""
    dt = _dtype(dtype, ("int32", "int64"), "_random_randint", default="int32")
    size = _shape(shape) or (1,)
    if int(high) <= int(low):
        raise MXNetError("randint: low must be less than high, got low=%s high=%s"
                         % (low, high))

    def sample():
        return _random.generator().integers(int(low), int(high), size).astype(dt)
    return _random.observe_sample(_finish(sample(), dt, out), sample)


def _like(sampler: Callable, doc: str) -> Callable:
    def like(data=None, *args, out=None, **kwargs) -> NDArray:
        if not isinstance(data, NDArray):
            raise MXNetError("%s: data must be an NDArray" % sampler.__name__)
        if data._data.dtype.kind != "f":
            raise DTypeError("This operation only support floating point types, not %s"
                             % data._data.dtype.name)
        draw = sampler(*args, shape=data.shape, dtype="float64", **kwargs)
        dt = data._data.dtype

        def sample():
            return sampler(*args, shape=data.shape, dtype="float64", **kwargs)._data.astype(dt)
        return _random.observe_sample(_finish(draw._data, dt, out), sample)
    like.__name__ = sampler.__name__ + "_like"
    like.__doc__ = doc
    return like


uniform_like = _like(uniform, "Samples from U[low, high) with the shape and dtype of data.")
normal_like = _like(normal, "Samples from N(loc, scale^2) with the shape and dtype of data.")
exponential_like = _like(exponential, "Exponential samples shaped like data.")
gamma_like = _like(gamma, "Gamma samples shaped like data.")
poisson_like = _like(poisson, "Poisson samples shaped like data.")
negative_binomial_like = _like(negative_binomial, "Negative binomial samples like data.")
generalized_negative_binomial_like = _like(generalized_negative_binomial,
                                           "Generalized negative binomial samples like data.")


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    """Category indices drawn from the distributions in the last axis of `data`; with
    `get_prob` also the log-probabilities of the draws."""
    if not isinstance(data, NDArray):
        raise MXNetError("multinomial: data must be an NDArray of probabilities")
    probs = data._data.astype(np.float64)
    if probs.ndim == 0 or probs.shape[-1] == 0:
        raise MXNetError("multinomial: data must hold probabilities in its last axis, got "
                         "shape %s" % (probs.shape,))
    extra = _shape(shape)
    dt = _check_dtype(dtype)
    fits_in_memory(TensorType.get(probs.shape[:-1] + extra, "float64"), "multinomial")
    batch = probs.reshape(-1, probs.shape[-1])
    count = int(np.prod(extra)) if extra else 1

    def choose() -> np.ndarray:
        g = _random.generator()
        return np.stack([g.choice(row.size, size=count, p=row / row.sum()) for row in batch])

    draws = choose()
    idx = draws.reshape(probs.shape[:-1] + extra)
    result = _random.observe_sample(
        _finish(idx, dt, out), lambda: choose().reshape(idx.shape).astype(dt), [data])
    if not get_prob:
        return result
    logp = np.log(np.take_along_axis(batch, draws, axis=1)).reshape(idx.shape)
    return [result, NDArray._wrap(logp.astype(data._data.dtype))]


def shuffle(data, **kwargs) -> NDArray:
    """A copy of `data` with its first axis randomly permuted."""
    if not isinstance(data, NDArray):
        raise MXNetError("shuffle: data must be an NDArray")
    host = data._data
    return _random.observe_sample(type(data)._wrap(_random.generator().permutation(host)),
                                  lambda: _random.generator().permutation(host), [data])

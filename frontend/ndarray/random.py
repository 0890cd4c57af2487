"""`mx.nd.random`: MXNet 1.9.1's samplers, drawn from the seeded generator (`mx.random`).

Scalar parameters draw `shape` samples (shape (1,) by default, float32 unless `dtype`);
NDArray parameters draw per element: the result has shape `param.shape + shape`, as
MXNet's `sample_*` operators. Samples are not differentiable (they are not recorded).
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .. import random as _random
from ..accel.lazy import before_write
from ..context import current_context  # noqa: F401  (MXNet's module exports it)
from ..ir import TensorType, get_op
from ..ir.errors import DTypeError, MXNetError
from ..trace.builder import record
from ..trace.invoke import invoke
from ..trace.values import TracedValue
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
        before_write()
        out._data[...] = data
        return out
    return NDArray._wrap(np.ascontiguousarray(data))


def _op(name: str, inputs: Sequence[NDArray], attrs, out=None, cls=NDArray):
    """Run the sampling operator `name` (tapegraph.ir.ops.random): recorded as a node when
    an input is recorded, or — while a tracer watches samples (hybridize) — always, so
    the draw is part of the traced graph. Returns its output(s); with `out`, the first
    output is written there (`cls`: the class of the results)."""
    opdef = get_op(name)
    result = invoke(opdef, list(inputs), attrs, cls)
    outs = result if isinstance(result, tuple) else (result,)
    if _random.observing() and outs[0]._value is None:
        values = record(name, [TracedValue(TensorType.get(a._data.shape, a._data.dtype),
                                           None, a._data) for a in inputs],
                        [TensorType.get(o._data.shape, o._data.dtype) for o in outs],
                        [o._data for o in outs], opdef.complete_attrs(attrs))
        for o, v in zip(outs, values):
            o._value = v
    if out is not None:
        before_write()
        out._data[...] = outs[0]._data
        outs = (out,) + outs[1:]
    return outs if isinstance(result, tuple) else outs[0]


def _draw(op: str, params: Sequence, shape, dtype, out, check=None, names=()):
    """Sample with MXNet's scalar (`_random_<op>`: attributes) / per-element
    (`_sample_<op>`: array inputs, broadcast to one shape) parameter rules."""
    arrays = [isinstance(p, NDArray) for p in params]
    if any(arrays) and not all(arrays):
        kinds = {type(p) for p in params}
        raise DistributionParamsError(
            "Distribution parameters must all have the same type, but got both %s."
            % " and ".join(str(k) for k in kinds))
    dt = _dtype(dtype, _FLOATS, "_random_" + op)
    extra = _shape(shape)
    if all(arrays) and params:
        base = np.broadcast_shapes(*(p.shape for p in params))
        if check is not None:
            check(*[p._data for p in params])
        fits_in_memory(TensorType.get(base + extra, "float64"), "random")
        params = [p if p.shape == base else
                  invoke(get_op("broadcast_to"), [p], {"shape": base}) for p in params]
        return _op("_sample_" + op, params, {"shape": extra, "dtype": dt.name}, out)
    values = [int(p) if n == "k" else float(p) for n, p in zip(names, params)]
    if check is not None:
        check(*values)
    size = extra or (1,)
    fits_in_memory(TensorType.get(size, "float64"), "random")
    attrs = dict(zip(names, values))
    attrs.update(shape=size, dtype=dt.name)
    return _op("_random_" + op, [], attrs, out)


def _low_high(low, high):
    if np.any(np.asarray(high) < np.asarray(low)):
        raise MXNetError("Check failed: param.high >= param.low: low must be less or equal "
                         "to high in uniform distribution")


def uniform(low=0, high=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from U[low, high)."""
    return _draw("uniform", (low, high), shape, dtype, out, _low_high, ("low", "high"))


def normal(loc=0, scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from N(loc, scale^2)."""
    return _draw("normal", (loc, scale), shape, dtype, out, None, ("loc", "scale"))


def randn(*shape, loc=0, scale=1, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Standard-normal samples of shape `shape` (positional dimensions)."""
    if not shape:
        raise MXNetError("randn: give the shape as positional dimensions, e.g. randn(2, 3)")
    return normal(loc, scale, shape, dtype, ctx, out)


def exponential(scale=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from the exponential distribution with mean `scale` (rate 1/scale)."""
    lam = 1.0 / scale if isinstance(scale, NDArray) else 1.0 / float(scale)
    return _draw("exponential", (lam,), shape, dtype, out, None, ("lam",))


def gamma(alpha=1, beta=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from Gamma(shape alpha, scale beta)."""
    return _draw("gamma", (alpha, beta), shape, dtype, out, None, ("alpha", "beta"))


def poisson(lam=1, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Samples from Poisson(lam), as floating point numbers."""
    return _draw("poisson", (lam,), shape, dtype, out, None, ("lam",))


def negative_binomial(k=1, p=1, shape=None, dtype=None, ctx=None, out=None,
                      **kwargs) -> NDArray:
    """Failures before the k-th success with success probability p."""
    return _draw("negative_binomial", (k, p), shape, dtype, out, None, ("k", "p"))


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, ctx=None, out=None,
                                  **kwargs) -> NDArray:
    """Samples with mean mu and variance mu + alpha * mu^2."""
    return _draw("generalized_negative_binomial", (mu, alpha), shape, dtype, out, None,
                 ("mu", "alpha"))


def randint(low, high, shape=None, dtype=None, ctx=None, out=None, **kwargs) -> NDArray:
    """Integers drawn uniformly from [low, high) (int32 by default)."""
    dt = _dtype(dtype, ("int32", "int64"), "_random_randint", default="int32")
    size = _shape(shape) or (1,)
    if int(high) <= int(low):
        raise MXNetError("randint: low must be less than high, got low=%s high=%s"
                         % (low, high))
    return _op("_random_randint", [], {"low": int(low), "high": int(high), "shape": size,
                                       "dtype": dt.name}, out)


def _like(dist: str, params: Sequence[str], doc: str) -> Callable:
    """`<dist>_like(data, *params)`: `_random_<dist>_like`, samples shaped like `data`."""
    def like(data=None, *args, out=None, **kwargs) -> NDArray:
        if not isinstance(data, NDArray):
            raise MXNetError("%s_like: data must be an NDArray" % dist)
        if data._data.dtype.kind != "f":
            raise DTypeError("This operation only support floating point types, not %s"
                             % data._data.dtype.name)
        given = dict(zip(params, args))
        given.update((k, v) for k, v in kwargs.items() if k in params)
        attrs = {k: int(v) if k == "k" else float(v) for k, v in given.items()}
        if dist == "uniform":
            _low_high(attrs.get("low", 0.0), attrs.get("high", 1.0))
        return _op("_random_%s_like" % dist, [data], attrs, out)
    like.__name__ = dist + "_like"
    like.__doc__ = doc
    return like


uniform_like = _like("uniform", ("low", "high"),
                     "Samples from U[low, high) with the shape and dtype of data.")
normal_like = _like("normal", ("loc", "scale"),
                    "Samples from N(loc, scale^2) with the shape and dtype of data.")
exponential_like = _like("exponential", ("lam",),
                         "Exponential samples with rate lam (as MXNet's), shaped like data.")
gamma_like = _like("gamma", ("alpha", "beta"), "Gamma samples shaped like data.")
poisson_like = _like("poisson", ("lam",), "Poisson samples shaped like data.")
negative_binomial_like = _like("negative_binomial", ("k", "p"),
                               "Negative binomial samples like data.")
generalized_negative_binomial_like = _like("generalized_negative_binomial", ("mu", "alpha"),
                                           "Generalized negative binomial samples like data.")


def multinomial(data, shape=None, get_prob=False, out=None, dtype="int32", **kwargs):
    """Category indices drawn from the distributions in the last axis of `data`; with
    `get_prob` also the log-probabilities of the draws (differentiable with respect to
    `data`, as log(pick(data, sample)))."""
    if not isinstance(data, NDArray):
        raise MXNetError("multinomial: data must be an NDArray of probabilities")
    if data.ndim == 0 or data.shape[-1] == 0:
        raise MXNetError("multinomial: data must hold probabilities in its last axis, got "
                         "shape %s" % (data.shape,))
    extra = _shape(shape)
    dt = np.dtype(_check_dtype(dtype)).name
    fits_in_memory(TensorType.get(data.shape[:-1] + extra, "float64"), "multinomial")
    result = _op("_sample_multinomial", [data],
                 {"shape": extra, "get_prob": bool(get_prob), "dtype": dt}, out)
    return list(result) if get_prob else result


def shuffle(data, **kwargs) -> NDArray:
    """A copy of `data` with its first axis randomly permuted."""
    if not isinstance(data, NDArray):
        raise MXNetError("shuffle: data must be an NDArray")
    return _op("_shuffle", [data], {}, None)

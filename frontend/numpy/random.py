"""`mx.np.random`: sampling into `mx.np.ndarray` (float32 by default)."""
from __future__ import annotations

import numbers

import numpy as np
import numpy as _np

from .. import random as _random
from ..accel.lazy import before_write
from ..ir import TensorType, get_op
from ..ndarray import NDArray
from ..ndarray.creation import _check_dtype, fits_in_memory, shape_arg
from ..ndarray.random import _op
from ..trace.invoke import invoke
from .ndarray import ndarray


def _sample(values, dtype, redraw=None, params=()) -> ndarray:
    """`values` as an ndarray of `dtype`; `redraw()` draws new values like them (told to
    a tracer, see `mx.random.observe_sample`)."""
    dt = _check_dtype(dtype or np.float32)
    result = ndarray._wrap(np.asarray(values, dtype=dt))
    if redraw is None:
        return result
    return _random.observe_sample(result, lambda: np.asarray(redraw(), dtype=dt), params)


def _shape(size):
    shape = () if size is None else shape_arg(size)
    fits_in_memory(TensorType.get(shape, "float64"), "random")  # NumPy samples in float64
    return shape


def _drawn(op: str, params, size, dtype, out) -> ndarray:
    """`op` (`_npi_uniform` / `_npi_normal`, IR operators): array parameters are inputs,
    broadcast to the output's shape (`size`, else theirs); numbers are attributes."""
    params = {k: v if isinstance(v, (NDArray, numbers.Real)) else
              ndarray._wrap(np.asarray(v, dtype=np.float64)) for k, v in params.items()}
    arrays = [p for p in params.values() if isinstance(p, NDArray)]
    if size is not None:
        shape = _shape(size)
    else:
        shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
        fits_in_memory(TensorType.get(shape, "float64"), "random")
    attrs = {k: None if isinstance(v, NDArray) else float(v) for k, v in params.items()}
    attrs.update(size=shape if size is not None else None,
                 dtype=np.dtype(_check_dtype(dtype or np.float32)).name)
    inputs = [a if a.shape == shape else
              invoke(get_op("broadcast_to"), [a], {"shape": shape}, ndarray) for a in arrays]
    result = _op(op, inputs, attrs, None, ndarray)
    if out is not None:
        before_write()
        out._data[...] = result._data
        return out
    return result


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    """Samples from U[low, high); a 0-d array when `size` is None and both are numbers
    (MXNet's `_npi_uniform`: no gradient with respect to array parameters)."""
    return _drawn("_npi_uniform", {"low": low, "high": high}, size, dtype, out)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    """Samples from N(loc, scale^2); a 0-d array when `size` is None and both are numbers
    (MXNet's `_npi_normal`: differentiable in array parameters, as loc + scale * eps)."""
    return _drawn("_npi_normal", {"loc": loc, "scale": scale}, size, dtype, out)


def _host(value):
    """An array parameter's buffer (a number stays a number)."""
    return value._data if hasattr(value, "_data") else value


def rand(*size) -> ndarray:
    return uniform(size=size)


def randn(*size) -> ndarray:
    return normal(size=size)


def seed(seed) -> None:
    _random.seed(seed)


def _draw(method: str, default_dtype):
    def sample(*args, size=None, dtype=None, ctx=None, out=None, **kwargs):
        shape = _shape(size) if size is not None else None

        def draw():
            return getattr(_random.generator(), method)(*[_host(a) for a in args], size=shape,
                                                        **kwargs)
        values = draw()
        result = _sample(values, dtype or (default_dtype or _np.asarray(values).dtype), draw,
                         args)
        if out is not None:
            before_write()
            out._data[...] = result._data
            return out
        return result
    sample.__name__ = method
    sample.__doc__ = "Samples of NumPy's Generator.%s from the seeded generator." % method
    return sample


for _name in ("beta", "chisquare", "exponential", "gamma", "gumbel", "logistic", "lognormal",
              "pareto", "power", "rayleigh", "weibull"):
    globals()[_name] = _draw(_name, _np.float32)
multivariate_normal = _draw("multivariate_normal", _np.float32)


def randint(low, high=None, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    """Integers from [low, high) (int64 by default)."""
    shape = _shape(size) if size is not None else None

    def draw():
        return _random.generator().integers(low, high, size=shape)
    return _sample(draw(), dtype or _np.int64, draw)


def choice(a, size=None, replace=True, p=None, ctx=None, out=None) -> ndarray:
    """Samples from `a` (an int: range(a)) with optional probabilities `p`."""
    host = a._data if hasattr(a, "_data") else a
    prob = p._data if hasattr(p, "_data") else p
    shape = _shape(size) if size is not None else None

    def draw():
        return _random.generator().choice(host, size=shape, replace=replace, p=prob)
    values = draw()
    return _sample(values, _np.asarray(values).dtype, draw, [a, p])


def multinomial(n, pvals, size=None) -> ndarray:
    """Counts of `n` draws over categories with probabilities `pvals`."""
    host = pvals._data if hasattr(pvals, "_data") else pvals

    def draw():
        return _random.generator().multinomial(n, host, size=size)
    return _sample(draw(), _np.int64, draw, [pvals])


def shuffle(x) -> None:
    """Shuffle `x` in place along its first axis."""
    _random.generator().shuffle(x._data)

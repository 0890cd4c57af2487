"""`mx.np.random`: sampling into `mx.np.ndarray` (float32 by default)."""
from __future__ import annotations

import numpy as np
import numpy as _np

from .. import random as _random
from ..ir import TensorType
from ..ndarray.creation import _check_dtype, fits_in_memory, shape_arg
from .ndarray import ndarray


def _sample(values, dtype) -> ndarray:
    return ndarray._wrap(np.asarray(values, dtype=_check_dtype(dtype or np.float32)))


def _shape(size):
    shape = () if size is None else shape_arg(size)
    fits_in_memory(TensorType.get(shape, "float64"), "random")  # NumPy samples in float64
    return shape


def uniform(low=0.0, high=1.0, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    """Samples from U[low, high); a 0-d array when `size` is None."""
    return _sample(_random.generator().uniform(low, high, _shape(size)), dtype)


def normal(loc=0.0, scale=1.0, size=None, dtype=None, ctx=None, out=None) -> ndarray:
    """Samples from N(loc, scale^2); a 0-d array when `size` is None."""
    return _sample(_random.generator().normal(loc, scale, _shape(size)), dtype)


def rand(*size) -> ndarray:
    return uniform(size=size)


def randn(*size) -> ndarray:
    return normal(size=size)


def seed(seed) -> None:
    _random.seed(seed)


def _draw(method: str, default_dtype):
    def sample(*args, size=None, dtype=None, ctx=None, out=None, **kwargs):
        values = getattr(_random.generator(), method)(*args, size=_shape(size) if size is
                                                       not None else None, **kwargs)
        result = _sample(values, dtype or (default_dtype or _np.asarray(values).dtype))
        if out is not None:
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
    values = _random.generator().integers(low, high, size=_shape(size) if size is not None
                                          else None)
    return _sample(values, dtype or _np.int64)


def choice(a, size=None, replace=True, p=None, ctx=None, out=None) -> ndarray:
    """Samples from `a` (an int: range(a)) with optional probabilities `p`."""
    host = a._data if hasattr(a, "_data") else a
    prob = p._data if hasattr(p, "_data") else p
    values = _random.generator().choice(host, size=_shape(size) if size is not None else None,
                                        replace=replace, p=prob)
    return _sample(values, _np.asarray(values).dtype)


def multinomial(n, pvals, size=None) -> ndarray:
    """Counts of `n` draws over categories with probabilities `pvals`."""
    host = pvals._data if hasattr(pvals, "_data") else pvals
    return _sample(_random.generator().multinomial(n, host, size=size), _np.int64)


def shuffle(x) -> None:
    """Shuffle `x` in place along its first axis."""
    _random.generator().shuffle(x._data)

"""`mx.nd.random`: uniform and normal sampling from the seeded generator."""
from __future__ import annotations

import numpy as np

from .. import random as _random
from .ndarray import NDArray
from ..ir import TensorType
from .creation import _check_dtype, fits_in_memory, shape_arg


def _sample(fn, shape, dtype, cls):
    shape = shape_arg(shape if shape is not None else ())
    dt = _check_dtype(dtype or np.float32)
    fits_in_memory(TensorType.get(shape, "float64"), "random")  # NumPy samples in float64
    return cls._wrap(np.asarray(fn(shape), dtype=dt))


def uniform(low=0.0, high=1.0, shape=(1,), dtype=None, ctx=None, out=None, **kw) -> NDArray:
    """Samples from U[low, high)."""
    return _sample(lambda s: _random.generator().uniform(low, high, s), shape, dtype, NDArray)


def normal(loc=0.0, scale=1.0, shape=(1,), dtype=None, ctx=None, out=None, **kw) -> NDArray:
    """Samples from N(loc, scale^2)."""
    return _sample(lambda s: _random.generator().normal(loc, scale, s), shape, dtype, NDArray)


def randn(*shape, loc=0.0, scale=1.0, dtype=None, **kw) -> NDArray:
    return normal(loc, scale, shape, dtype)

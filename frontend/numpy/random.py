"""`mx.np.random`: sampling into `mx.np.ndarray` (float32 by default)."""
from __future__ import annotations

import numpy as np

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

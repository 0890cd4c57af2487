"""In-place access to an array's NumPy buffer, for initializers and optimizer updates.

These write outside autograd (MXNet's initializers and updaters are not recorded either),
so they change the storage that recorded graphs and variables already share.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .accel.lazy import before_write
from .ndarray.ndarray import NDArray


def buffer(arr: Any) -> np.ndarray:
    """The NumPy array holding `arr`'s values (the same storage, not a copy)."""
    if isinstance(arr, NDArray):
        return arr._data
    if isinstance(arr, np.ndarray):
        return arr
    raise TypeError("expected an NDArray, got %s" % type(arr).__name__)


def as_numpy(value: Any) -> Any:
    """`value` as a NumPy array if it is an array, else unchanged (a scalar)."""
    if isinstance(value, NDArray):
        return value._data
    return value


def assign(arr: Any, value: Any) -> None:
    """`arr[:] = value` without recording, broadcasting and casting to `arr`'s dtype."""
    before_write()
    buffer(arr)[...] = as_numpy(value)

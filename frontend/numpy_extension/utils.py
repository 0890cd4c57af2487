"""`npx.save` / `npx.load`: mx.np arrays in MXNet's binary NDArray format (the one
`mx.nd.save` writes, see tapegraph.ndarray.serialize). Both need NumPy semantics on
(`npx.set_np()`), as in MXNet."""
from __future__ import annotations

from typing import Any, Dict, List, Union

import numpy as np

from ..ir.errors import MXNetError
from ..ndarray.serialize import load_arrays, save_arrays
from ..numpy.ndarray import ndarray
from ..util import is_np_array, is_np_shape

__all__ = ["save", "load"]


def _require_np(verb: str) -> None:
    if not (is_np_shape() and is_np_array()):
        raise ValueError("Cannot %s `mxnet.numpy.ndarray` in legacy mode. Please activate "
                         "numpy semantics by calling `npx.set_np()` in the global scope before "
                         "calling this function." % verb)


def save(file: str, arr: Any) -> None:
    """Save an mx.np ndarray, a list of them or a dict str -> ndarray to `file`."""
    _require_np("save")
    if isinstance(arr, ndarray):
        arr = [arr]
    if isinstance(arr, dict):
        if any(not isinstance(k, str) for k in arr) or \
                any(not isinstance(v, ndarray) for v in arr.values()):
            raise TypeError("Only accepts dict str->ndarray or list of ndarrays")
        save_arrays(file, {k: v.asnumpy() for k, v in arr.items()})
    elif isinstance(arr, list):
        if any(not isinstance(v, ndarray) for v in arr):
            raise TypeError("Only accepts dict str->ndarray or list of ndarrays")
        save_arrays(file, [v.asnumpy() for v in arr])
    else:
        raise ValueError("data needs to either be a ndarray, dict of (str, ndarray) pairs or "
                         "a list of ndarrays.")


def load(file: str) -> Union[List[ndarray], Dict[str, ndarray]]:
    """The arrays of `file` as mx.np ndarrays: a dict if saved with names, else a list."""
    _require_np("load")
    if not isinstance(file, str):
        raise TypeError("file required to be a string")
    try:
        loaded = load_arrays(file)
    except OSError as err:
        raise MXNetError("npx.load: cannot open %r: %s" % (file, err.strerror)) from None
    wrap = lambda a: ndarray._wrap(np.array(a, order="C"))  # noqa: E731  (keeps 0-d)
    if isinstance(loaded, dict):
        return {k: wrap(v) for k, v in loaded.items()}
    return [wrap(v) for v in loaded]

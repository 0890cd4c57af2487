"""Helpers of `mx.io`: normalising user data into named NDArrays."""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, List, Tuple

import numpy as np

from ..ndarray import NDArray, array
from ..unsupported import SPARSE


def _init_data(data: Any, allow_empty: bool, default_name: str) -> List[Tuple[str, NDArray]]:
    """[(name, NDArray)] sorted by name from an array, a list of arrays or a dict."""
    assert (data is not None) or allow_empty
    if data is None:
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, list):
        if not allow_empty:
            assert len(data) > 0
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([("_%d_%s" % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, h5py.Dataset a list of them "
                        "or dict with them as values")
    data = dict(data)
    for k, v in data.items():
        if getattr(v, "stype", "default") != "default":
            raise NotImplementedError("mx.io with %s arrays: %s" % (v.stype, SPARSE))
        if not isinstance(v, NDArray):
            try:
                data[k] = array(v)
            except Exception:  # noqa: BLE001  (MXNet's message for any unconvertible value)
                raise TypeError(("Invalid type '%s' for %s, " % (type(v), k)) +
                                "should be NDArray, numpy.ndarray or h5py.Dataset") from None
    return list(sorted(data.items()))


def _getdata_by_idx(data: List[Tuple[str, NDArray]], idx: np.ndarray):
    """The arrays reordered along axis 0 by `idx` (as float32 NDArrays, as MXNet)."""
    return [(k, array(v.asnumpy()[idx])) for k, v in data]


def _slice_along_batch_axis(data: NDArray, s: slice, batch_axis: int) -> NDArray:
    index = [slice(None)] * data.ndim
    index[batch_axis] = s
    return type(data)._wrap(np.ascontiguousarray(data.asnumpy()[tuple(index)]))

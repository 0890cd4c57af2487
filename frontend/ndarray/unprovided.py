"""The `mx.nd` names of MXNet 1.9.1 that tapegraph provides differently or not at all:
a few small functions (`concatenate`, `from_dlpack`, `to_dlpack_*`, `ravel_multi_index`,
`unravel_index`), the module aliases, and stand-ins raising NotImplementedError for
operators the IR does not register (each naming why)."""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..ir import get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from ..unsupported import CPP, DATA, not_implemented
from .ndarray import NDArray
from .ops import NAMESPACE


def _need(data, name: str) -> None:
    if not isinstance(data, NDArray):
        raise TypeError("%s: expected an NDArray, got %s" % (name, type(data).__name__))


def concatenate(arrays: Sequence[NDArray], axis: int = 0, always_copy: bool = True):
    """Join arrays along `axis` (MXNet's legacy helper; recorded like `concat`)."""
    if len(arrays) == 1 and not always_copy:
        return arrays[0]
    return NAMESPACE["concat"](*arrays, dim=axis)


class _Capsule:
    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, stream=None):
        return self._capsule

    def __dlpack_device__(self):
        return (1, 0)


def from_dlpack(dlpack) -> NDArray:
    """An NDArray from a DLPack capsule (or an object with `__dlpack__`)."""
    source = dlpack if hasattr(dlpack, "__dlpack__") else _Capsule(dlpack)
    return NDArray._wrap(np.from_dlpack(source))


def to_dlpack_for_read(data: NDArray):
    """A DLPack capsule of `data`'s memory."""
    _need(data, "to_dlpack_for_read")
    return data.to_dlpack_for_read()


def to_dlpack_for_write(data: NDArray):
    """A DLPack capsule of `data`'s memory, for writing."""
    _need(data, "to_dlpack_for_write")
    return data.to_dlpack_for_write()


def _op(name: str, inputs, **attrs):
    return invoke(get_op(name), list(inputs), attrs)


def _as(a, dtype: str):
    return a if np.dtype(a.dtype).name == dtype else _op("Cast", [a], dtype=dtype)


def ravel_multi_index(data: NDArray, shape, **kw) -> NDArray:
    """Flat indices of the coordinates in the rows of `data` for an array of `shape`:
    sum_k data[k] * stride_k, in data's dtype (MXNet 1.9.1's arithmetic: coordinates are
    not checked). Recorded operators, so a traced call reads each call's coordinates."""
    _need(data, "ravel_multi_index")
    shape = tuple(int(s) for s in shape)
    if data.ndim < 1 or data.shape[0] != len(shape):
        raise MXNetError("ravel_multi_index: data needs %d rows (one per axis of shape %s), "
                         "got shape %s" % (len(shape), shape, data.shape))
    strides = np.cumprod((1,) + shape[:0:-1])[::-1].astype(np.float64)
    terms = _as(data, "float64") * NDArray._wrap(
        strides.reshape((-1,) + (1,) * (data.ndim - 1)))
    return _as(_op("sum", [terms], axis=0), np.dtype(data.dtype).name)


def unravel_index(data: NDArray, shape, **kw) -> NDArray:
    """Coordinates (one row per axis) of flat indices `data` in an array of `shape`, in
    data's dtype: from the last axis, the remainder and the truncated quotient (C's), the
    first axis keeps the rest (MXNet 1.9.1's arithmetic). Recorded operators."""
    _need(data, "unravel_index")
    shape = tuple(int(s) for s in shape)
    rest = _as(data, "float64")
    rows = []
    for dim in reversed(shape[1:]):
        quotient = _op("trunc", [rest / float(dim)]) + 0.0  # (no -0.0)
        rows.append(rest - quotient * float(dim))
        rest = quotient
    rows.append(rest)
    return _as(_op("stack", rows[::-1], axis=0, num_args=len(rows)), np.dtype(data.dtype).name)


_KL_SPARSE = ("a symbol-level regulariser whose moving-average auxiliary state MXNet 1.9.1's "
              "mx.nd cannot pass either (calling it there fails)")
_LEGACY = "a deprecated MXNet 0.x operator; use its current version"
_STUBS = {
    _KL_SPARSE: ("IdentityAttachKLSparseReg",),
    _LEGACY: ("BatchNorm_v1", "Convolution_v1", "Pooling_v1"),
    CPP: ("CachedOp", "register", "get_indexing_dispatch_code",
          "get_oshape_of_gather_nd_op", "indexing_key_expand_implicit_axes"),
    DATA: ("imdecode", "image", "load_frombuffer"),
}
_MODULES = ("gen__internal", "gen_contrib", "gen_image", "gen_linalg", "gen_op", "gen_sparse",
            "op", "utils")


def install(namespace: dict) -> None:
    """Bind these names into the mx.nd namespace where it lacks them."""
    for fn in (concatenate, from_dlpack, to_dlpack_for_read, to_dlpack_for_write,
               ravel_multi_index, unravel_index):
        namespace.setdefault(fn.__name__, fn)
    for why, names in _STUBS.items():
        for name in names:
            namespace.setdefault(name, not_implemented("mx.nd." + name, why))
    for name in _MODULES:
        namespace.setdefault(name, not_implemented(
            "mx.nd." + name, "an internal module of MXNet's generated operator bindings; "
            "use the functions of mx.nd directly"))

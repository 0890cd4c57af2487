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
    not checked). Recorded operators, so a traced call reads each call's coordinates;
    the gradient is 0, as MXNet 1.9.1's."""
    _need(data, "ravel_multi_index")
    shape = tuple(int(s) for s in shape)
    if data.ndim < 1 or data.shape[0] != len(shape):
        raise MXNetError("ravel_multi_index: data needs %d rows (one per axis of shape %s), "
                         "got shape %s" % (len(shape), shape, data.shape))
    strides = np.cumprod((1,) + shape[:0:-1])[::-1].astype(np.float64)
    terms = _as(_op("BlockGrad", [data]), "float64") * NDArray._wrap(
        strides.reshape((-1,) + (1,) * (data.ndim - 1)))
    return _as(_op("sum", [terms], axis=0), np.dtype(data.dtype).name)


def unravel_index(data: NDArray, shape, **kw) -> NDArray:
    """Coordinates of flat indices `data` in an array of `shape`, as MXNet 1.9.1 gives
    them: of shape (len(shape), data.shape[0]) and data's dtype, gradient 0.

    With one index per row of `data` (1-d, or further axes of size 1), column i holds
    the coordinates of index i: from the last axis, the remainder and the truncated
    quotient (C's), the first axis keeping the rest (no range check). With more (2-d
    data such as (2, 2)), MXNet 1.9.1's result keeps that shape but its values are the
    first len(shape) * data.shape[0] elements of data (row-major), unconverted; that is
    reproduced here. Where data has fewer elements than that, MXNet reads and writes
    past its buffers (zeros, then heap corruption), so that case is refused.
    Recorded operators, so a traced call reads each call's indices."""
    _need(data, "unravel_index")
    shape = tuple(int(s) for s in shape)
    if not shape:
        raise MXNetError("unravel_index: empty shape parameter (MXNet 1.9.1: Check failed: "
                         "shape.ndim() > 0: Empty shape parameter for unravel operator)")
    if data.ndim == 0:
        raise MXNetError("unravel_index: data must have at least one axis, got a 0-d array "
                         "(refused by MXNet 1.9.1 too)")
    dtype = np.dtype(data.dtype).name
    rows, size = data.shape[0], int(np.prod(data.shape))
    flat = _op("Reshape", [_op("BlockGrad", [data])], shape=(size,))
    if size != rows:  # MXNet 1.9.1: data's first elements, as they are
        count = len(shape) * rows
        if count > size:
            raise MXNetError(
                "unravel_index: data of shape %s has %d elements, fewer than the %d "
                "(len(shape) * data.shape[0]) of the result for shape %s, which MXNet "
                "1.9.1 fills past its input buffer (undefined values, heap corruption)"
                % (data.shape, size, count, shape))
        head = _op("slice_axis", [flat], axis=0, begin=0, end=count)
        return _op("Reshape", [head], shape=(len(shape), rows))
    rest = _as(flat, "float64")
    coords = []
    for dim in reversed(shape[1:]):
        quotient = _op("trunc", [rest / float(dim)]) + 0.0  # (no -0.0)
        coords.append(rest - quotient * float(dim))
        rest = quotient
    coords.append(rest)
    return _as(_op("stack", coords[::-1], axis=0, num_args=len(coords)), dtype)


_KL_SPARSE = ("a symbol-level regulariser whose moving-average auxiliary state MXNet 1.9.1's "
              "mx.nd cannot pass either (calling it there fails)")
_LEGACY = "a deprecated MXNet 0.x operator; use its current version"
_STUBS = {
    _KL_SPARSE: ("IdentityAttachKLSparseReg",),
    _LEGACY: ("BatchNorm_v1", "Convolution_v1", "Pooling_v1"),
    CPP: ("CachedOp", "register", "get_indexing_dispatch_code",
          "get_oshape_of_gather_nd_op", "indexing_key_expand_implicit_axes"),
    DATA: ("imdecode", "load_frombuffer"),
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

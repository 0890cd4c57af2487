"""`mx.nd.save` / `mx.nd.load`: MXNet 1.9.1's binary NDArray list format (`.params`).

Layout (little-endian), as `NDArray::Save` and `MXNDArraySave` write it:

    u64 0x112 (list magic), u64 0 (reserved)
    u64 count, then each array:
        u32 magic   0xF993FAC9 (V2) or 0xF993FACA (V3: NumPy shape semantics, 0-d allowed)
        i32 stype   0 (dense; sparse arrays are not supported)
        u32 ndim, i64 dim * ndim      (V2: ndim 0 means an empty array and ends the record)
        i32 dev_type, i32 dev_id      (1 = cpu)
        i32 dtype flag                (mshadow's: 0 float32, 1 float64, 2 float16, ...)
        the raw data, C order
    u64 count, then each name: u64 length, bytes (no names: a list was saved)

Under NumPy shape semantics (`npx.set_np()`) MXNet writes every array as V3.
Older files (V1 magic 0xF993FAC8, without the storage type; and the legacy layout whose
first word is ndim with u32 dimensions) load too. Arrays with 0 dimensions or 0 elements
are written as V3, everything else as V2, the format MXNet's `nd.save` writes.
"""
from __future__ import annotations

import struct
from typing import Any, Dict, List, Optional, Tuple, Union

import numpy as np

from ..ir.errors import MXNetError
from .ndarray import NDArray
from ..util import is_np_shape

__all__ = ["save", "load", "save_arrays", "load_arrays", "DTYPE_FLAGS"]

LIST_MAGIC = 0x112
V1, V2, V3 = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
DTYPE_FLAGS = {np.dtype(np.float32): 0, np.dtype(np.float64): 1, np.dtype(np.float16): 2,
               np.dtype(np.uint8): 3, np.dtype(np.int32): 4, np.dtype(np.int8): 5,
               np.dtype(np.int64): 6, np.dtype(np.bool_): 7, np.dtype(np.int16): 8,
               np.dtype(np.uint16): 9, np.dtype(np.uint32): 10, np.dtype(np.uint64): 11}
_FLAG_DTYPES = {v: k for k, v in DTYPE_FLAGS.items()}


def save_arrays(fname: str, data: Union[Dict[str, Any], List[Any], Tuple[Any, ...]],
                np_shape: Optional[bool] = None) -> None:
    """Write a dict name -> array or a list of arrays (NumPy or NDArray) to `fname`.
    Under NumPy shape semantics (`np_shape`; None: whether `npx.set_np` is on) every array
    is V3, as MXNet writes it there (and MXNet loads such a file only there).

    Everything is checked before the file is opened, so a bad entry leaves no file."""
    if isinstance(data, dict):
        names = list(data.keys())
        arrays = list(data.values())
        for k in names:
            if not isinstance(k, str):
                raise TypeError("save: the keys of a dict must be str, got %r" % (k,))
    elif isinstance(data, (list, tuple)):
        names, arrays = [], list(data)
    else:
        raise TypeError("save: data must be a dict of str to NDArray or a list of NDArrays, "
                        "got %s" % type(data).__name__)
    blobs = [_as_numpy(a, names[i] if names else "entry %d" % i) for i, a in enumerate(arrays)]
    np_shape = is_np_shape() if np_shape is None else np_shape
    parts = [struct.pack("<QQQ", LIST_MAGIC, 0, len(blobs))]
    for arr in blobs:
        parts.append(_encode(arr, np_shape))
    parts.append(struct.pack("<Q", len(names)))
    for name in names:
        raw = name.encode("utf-8")
        parts.append(struct.pack("<Q", len(raw)) + raw)
    with open(fname, "wb") as f:
        f.write(b"".join(parts))


def load_arrays(fname: str) -> Union[Dict[str, np.ndarray], List[np.ndarray]]:
    """Read `fname` written by `save_arrays` or MXNet: a dict if it holds names, else a
    list, of NumPy arrays."""
    with open(fname, "rb") as f:
        raw = f.read()
    reader = _Reader(raw, fname)
    magic, _ = reader.unpack("<QQ")
    if magic != LIST_MAGIC:
        raise MXNetError("Invalid NDArray file format: %s does not start with MXNet's "
                         "NDArray list magic (0x112)" % fname)
    (count,) = reader.unpack("<Q")
    arrays = [_decode(reader) for _ in range(count)]
    (n_names,) = reader.unpack("<Q")
    names = []
    for _ in range(n_names):
        (length,) = reader.unpack("<Q")
        names.append(reader.take(length).decode("utf-8"))
    if names and len(names) != len(arrays):
        raise MXNetError("Invalid NDArray file format: %s has %d arrays but %d names"
                         % (fname, len(arrays), len(names)))
    return dict(zip(names, arrays)) if names else arrays


def save(fname: str, data: Any) -> None:
    """`mx.nd.save`: write an NDArray, a list of NDArrays or a dict str -> NDArray in
    MXNet's binary format (which MXNet 1.9.1's `mx.nd.load` reads)."""
    if _is_array(data):
        data = [data]
    save_arrays(fname, data)


def load(fname: str) -> Union[Dict[str, Any], List[Any]]:
    """`mx.nd.load`: the NDArrays of a file written by `mx.nd.save` here or in MXNet
    (a dict when it was saved with names, else a list)."""
    loaded = load_arrays(fname)
    if isinstance(loaded, dict):
        return {k: NDArray._wrap(v) for k, v in loaded.items()}
    return [NDArray._wrap(v) for v in loaded]


def _is_array(x: Any) -> bool:
    return hasattr(x, "asnumpy") or isinstance(x, np.ndarray)


def _as_numpy(a: Any, what: str) -> np.ndarray:
    if hasattr(a, "asnumpy") and hasattr(a, "_data"):
        arr = a._data
    elif isinstance(a, np.ndarray):
        arr = a
    else:
        raise TypeError("save: %s is a %s, not an NDArray" % (what, type(a).__name__))
    if arr.dtype not in DTYPE_FLAGS:
        raise TypeError("save: %s has dtype %s, which MXNet's format cannot hold"
                        % (what, arr.dtype))
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)  # keeps 0-d


def _encode(arr: np.ndarray, np_shape: bool = False) -> bytes:
    magic = V3 if np_shape or arr.ndim == 0 or arr.size == 0 else V2
    head = struct.pack("<IiI", magic, 0, arr.ndim) + struct.pack("<%dq" % arr.ndim, *arr.shape)
    head += struct.pack("<iii", 1, 0, DTYPE_FLAGS[arr.dtype])
    return head + arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()


class _Reader:
    def __init__(self, raw: bytes, fname: str) -> None:
        self.raw, self.pos, self.fname = raw, 0, fname

    def take(self, n: int) -> bytes:
        if n < 0 or self.pos + n > len(self.raw):
            raise MXNetError("Invalid NDArray file format: %s is truncated (needed %d bytes "
                             "at offset %d of %d)" % (self.fname, n, self.pos, len(self.raw)))
        out = self.raw[self.pos:self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))


def _decode(r: _Reader) -> np.ndarray:
    (magic,) = r.unpack("<I")
    if magic in (V2, V3):
        (stype,) = r.unpack("<i")
        if stype != 0:
            raise MXNetError("%s: sparse arrays (storage type %d) are not supported"
                             % (r.fname, stype))
    if magic in (V1, V2, V3):
        (ndim,) = r.unpack("<i")
        if ndim < 0 or (ndim == 0 and magic != V3):  # an empty (none) array
            return np.zeros((0,), np.float32)
        shape = r.unpack("<%dq" % ndim)
    else:  # legacy: the first word was ndim, dims are u32
        ndim = magic
        if ndim > 32:
            raise MXNetError("Invalid NDArray file format: %s (unknown array magic 0x%X)"
                             % (r.fname, magic))
        shape = r.unpack("<%dI" % ndim)
        if ndim == 0:
            return np.zeros((0,), np.float32)
    _dev_type, _dev_id, flag = r.unpack("<iii")
    dtype = _FLAG_DTYPES.get(flag)
    if dtype is None:
        raise MXNetError("%s: unsupported dtype flag %d (bfloat16 and others are not "
                         "supported)" % (r.fname, flag))
    size = int(np.prod(shape, dtype=np.int64)) if shape else 1
    data = r.take(size * dtype.itemsize)
    return np.frombuffer(data, dtype=dtype.newbyteorder("<")).astype(dtype).reshape(shape)

"""Tensor types of the IR: a shape and a dtype, interned so equal types are one object."""
from __future__ import annotations

from typing import Dict, Tuple

import numpy as np

from .errors import DTypeError

# Short dtype names used in the text format, and back.
DTYPE_SHORT: Dict[str, str] = {
    "float16": "f16", "float32": "f32", "float64": "f64",
    "int8": "i8", "int16": "i16", "int32": "i32", "int64": "i64",
    "uint8": "u8", "uint16": "u16", "uint32": "u32", "uint64": "u64",
    "bool": "bool",
}
SHORT_DTYPE: Dict[str, str] = {v: k for k, v in DTYPE_SHORT.items()}


class TensorType:
    """The static type of a value: `shape` (tuple of ints) and `dtype` (a NumPy dtype name).

    Types are interned: `TensorType.get(shape, dtype)` returns one shared object per
    distinct type, so comparing types is comparing identities and a graph of 100,000
    values holds only a handful of type objects.
    """

    __slots__ = ("shape", "dtype", "_key", "nbytes", "size")
    _interned: Dict[Tuple[Tuple[int, ...], str], "TensorType"] = {}

    def __init__(self, shape: Tuple[int, ...], dtype: str):
        self.shape = shape
        self.dtype = dtype
        self._key = (shape, dtype)
        size = 1
        for s in shape:
            size *= s
        self.size = size  # element count and bytes: computed once per interned type
        self.nbytes = size * np.dtype(dtype).itemsize

    @classmethod
    def get(cls, shape, dtype) -> "TensorType":
        """The interned type for `shape` and `dtype` (any NumPy dtype spelling)."""
        key = (shape, dtype)
        t = cls._interned.get(key)
        if t is None:
            shape = tuple(int(s) for s in shape)
            try:
                dtype = np.dtype(dtype).name
            except TypeError:
                raise DTypeError("invalid dtype %r: not a NumPy dtype name (supported: %s)"
                                 % (dtype, ", ".join(DTYPE_SHORT))) from None
            key2 = (shape, dtype)
            t = cls._interned.get(key2)
            if t is None:
                if dtype not in DTYPE_SHORT:
                    raise DTypeError("unsupported dtype %r (supported: %s)"
                                     % (dtype, ", ".join(DTYPE_SHORT)))
                # setdefault is atomic: threads interning the same type get one object
                t = cls._interned.setdefault(key2, cls(shape, dtype))
            t = cls._interned.setdefault(key, t)
        return t

    @classmethod
    def of(cls, array: np.ndarray) -> "TensorType":
        """The type of a NumPy array."""
        return cls.get(array.shape, array.dtype.name)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return format_type(self)

    def __reduce__(self):
        return (TensorType.get, (self.shape, self.dtype))


def format_type(t: TensorType) -> str:
    """`f32[2,3]`; a scalar is `f32[]`."""
    return "%s[%s]" % (DTYPE_SHORT[t.dtype], ",".join(str(s) for s in t.shape))


def is_float(dtype: str) -> bool:
    """True for floating-point dtype names (the only dtypes gradients flow through)."""
    return dtype.startswith("float")

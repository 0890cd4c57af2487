"""`mx.np.ndarray`: the NumPy-style array class (same machinery, NumPy's printing and
boolean comparisons)."""
from __future__ import annotations

import numpy as _onp

from ..ndarray.ndarray import NDArray, write_out
from ..trace import host_reads
from ..trace.invoke import invoke
from ..ir import get_op
from ..ir.errors import MXNetError


class ndarray(NDArray):  # noqa: N801  (MXNet's name)
    """MXNet's `mx.np.ndarray`: prints like NumPy (`array([1., 2.])`, float32 implied)."""

    __slots__ = ()
    _bool_comparisons = True
    _keeps_numpy_dtype = True  # mx.np.array(numpy array) keeps its dtype
    _zero_dim = True

    @property
    def dtype(self):
        return self._data.dtype

    def __matmul__(self, other):
        """`a @ b`: `mx.np.matmul(a, b)`."""
        from .library import matmul
        return matmul(self, other)

    def __rmatmul__(self, other):
        from .library import matmul
        return matmul(other, self)

    def __imatmul__(self, other):
        """`a @= b`: the product written into `a` (same shape and dtype, as MXNet)."""
        from .library import matmul
        result = matmul(self, other)
        if result.shape != self.shape:
            raise MXNetError("in-place @: the product has shape %s, the array %s"
                             % (result.shape, self.shape))
        return self._write_inplace("matmul", result)

    def __invert__(self):
        """Bitwise not of a bool or integer array (MXNet refuses floats)."""
        if self._data.dtype.kind not in "biu":
            raise MXNetError("bitwise_not: this operation only supports integer and bool "
                             "types, not %s (as MXNet 1.9.1)" % self._data.dtype.name)
        if self._data.dtype == _onp.bool_:  # recorded: a traced call reads each call's values
            res = invoke(get_op("_equal_scalar"), (self,), {"scalar": 0.0}, out_cls=type(self))
            return invoke(get_op("Cast"), (res,), {"dtype": "bool"}, out_cls=type(self))
        host_reads.note(self)  # integers: computed on the host (hybridize: eager)
        return type(self)._wrap(_onp.asarray(_onp.invert(self._data)))

    def __repr__(self) -> str:
        data = self._data
        body = _onp.array2string(data, separator=", ", prefix="array(")
        if (data.dtype in (_onp.float32, _onp.bool_)
                or data.size == 0 and data.dtype == _onp.float32):
            return "array(%s)" % body
        return "array(%s, dtype=%s)" % (body, data.dtype.name)

    def __str__(self) -> str:
        return str(self._data)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    def all(self, axis=None, keepdims=False):
        """Whether all elements are true (not differentiable)."""
        return truth_reduce(self, "min", axis, keepdims)

    def any(self, axis=None, keepdims=False):
        """Whether any element is true (not differentiable)."""
        return truth_reduce(self, "max", axis, keepdims)

    def tolist(self):
        return self._data.tolist()

    # NumPy-style methods (recorded, differentiable)
    def flatten(self, order="C"):
        """A 1-D copy (NumPy's flatten, unlike the legacy 2-D NDArray.flatten)."""
        return self.reshape(-1)

    def ravel(self, order="C"):
        """The flattened array."""
        return self.reshape(-1)

    def dot(self, b):
        """NumPy's dot product with `b`."""
        from .library import arr
        return invoke(get_op("_np_dot"), [self, arr(b)])

    def sum(self, axis=None, dtype=None, out=None, keepdims=False):
        """Sum over `axis` (bool arrays sum in int64), as `mx.np.sum`."""
        from .library import accumulate_as
        return write_out(invoke(get_op("sum"), [accumulate_as(self, dtype, {"b": "int64"})], {
            "axis": _axes(axis), "keepdims": bool(keepdims), "exclude": False}), out)

    def mean(self, axis=None, dtype=None, out=None, keepdims=False):
        """Mean over `axis` (integer and bool arrays: float32), as `mx.np.mean`."""
        from .library import MEAN_AS, accumulate_as
        return write_out(invoke(get_op("mean"), [accumulate_as(self, dtype, MEAN_AS)], {
            "axis": _axes(axis), "keepdims": bool(keepdims), "exclude": False}), out)

    def var(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        """Variance over `axis`."""
        from .library import var
        return var(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def std(self, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
        """Standard deviation over `axis`."""
        from .library import std
        return std(self, axis=axis, ddof=ddof, keepdims=keepdims)

    def as_nd_ndarray(self) -> NDArray:
        """The same data (and the same place in a recorded graph) as a legacy NDArray."""
        return _view(NDArray, self)

    def as_np_ndarray(self):
        return self


def _axes(axis):
    if axis is None or axis == ():
        return None
    return tuple(int(a) for a in axis) if isinstance(axis, (tuple, list)) else int(axis)


def truth_reduce(a, reduce: str, axis, keepdims) -> "ndarray":
    """all (reduce="min") or any ("max") of `a` along `axis`, as a bool array: recorded
    operators on `a != 0` (NaN counts as true), so a traced call reads each call's values.
    (An empty reduction is computed on the host: its result depends on shapes only.)"""
    data = a._data
    if data.size == 0:
        fn = _onp.all if reduce == "min" else _onp.any
        return ndarray._wrap(_onp.asarray(fn(data, axis=axis, keepdims=keepdims)))
    flags = invoke(get_op("_not_equal_scalar"), (a,), {"scalar": 0.0}, out_cls=ndarray)
    if flags.dtype != _onp.float32:
        flags = invoke(get_op("Cast"), (flags,), {"dtype": "float32"}, out_cls=ndarray)
    attrs = {"keepdims": bool(keepdims)}
    if axis is not None:
        attrs["axis"] = tuple(int(x) for x in axis) if isinstance(axis, (tuple, list)) \
            else int(axis)
    res = invoke(get_op(reduce), (flags,), attrs, out_cls=ndarray)
    return invoke(get_op("Cast"), (res,), {"dtype": "bool"}, out_cls=ndarray)


def _view(cls, arr):
    """`arr` seen as class `cls`: same buffer and same traced value, so gradients flow
    through the conversion (MXNet's as_np_ndarray / as_nd_ndarray share memory)."""
    out = cls.__new__(cls)
    out._data = arr._data
    out._value = arr._value
    return out


def _as_np_ndarray(self):
    """The same data (and the same place in a recorded graph) as an mx.np.ndarray."""
    return _view(ndarray, self)


NDArray.as_np_ndarray = _as_np_ndarray

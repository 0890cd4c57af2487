"""More `mx.np` functions, composed of registered operators where differentiable (so they
record those operators) and computed on the host where NumPy returns indices or masks."""
from __future__ import annotations

from typing import Sequence

import numpy as _onp

from ..ir import composites, get_op
from ..ir.errors import MXNetError
from ..trace import host_reads
from ..trace.invoke import invoke
from ..ndarray.ops import Eager
from .library import (FUNCTIONS, _export, _op, arr, concatenate, expand_dims,
                      no_extra_keywords, split)
from .ndarray import ndarray, truth_reduce


def _host(a) -> _onp.ndarray:
    return a._data if hasattr(a, "_data") else _onp.asarray(a)


@_export
def hstack(tup):
    """Stack along the second axis (the first for 1-D arrays)."""
    arrays = [arr(a) for a in tup]
    return concatenate(arrays, axis=0 if arrays[0].ndim == 1 else 1)


@_export
def vstack(tup):
    """Stack along the first axis (1-D arrays become rows)."""
    return concatenate([arr(a).reshape(1, -1) if arr(a).ndim == 1 else arr(a) for a in tup],
                       axis=0)


@_export
def column_stack(tup):
    """Stack 1-D arrays as columns (2-D arrays as they are)."""
    return concatenate([arr(a).reshape(-1, 1) if arr(a).ndim == 1 else arr(a) for a in tup],
                       axis=1)


@_export
def dstack(tup):
    """Stack along the third axis."""
    out = []
    for a in tup:
        a = arr(a)
        if a.ndim == 1:
            a = a.reshape(1, -1, 1)
        elif a.ndim == 2:
            a = expand_dims(a, 2)
        out.append(a)
    return concatenate(out, axis=2)


@_export
def array_split(ary, indices_or_sections, axis=0):
    """Split into pieces (sections may differ by one, or at explicit indices)."""
    ary = arr(ary)
    size = ary.shape[axis]
    if isinstance(indices_or_sections, int):
        k = indices_or_sections
        if k <= 0:
            raise ValueError("array_split: number of sections must be larger than 0, got %d" % k)
        if k > max(size, 1 << 16):
            raise ValueError("array_split: %d sections of an axis of size %d would make %d "
                             "arrays, most of them empty" % (k, size, k))
        cuts = _onp.cumsum([0] + [size // k + (1 if i < size % k else 0) for i in range(k)])
    else:
        cuts = [0] + [int(i) for i in indices_or_sections] + [size]
    pieces = []
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        pieces.append(_op("slice_axis", [ary], {"axis": int(axis), "begin": int(lo),
                                                "end": int(max(lo, hi))}))
    return pieces


@_export
def hsplit(ary, indices_or_sections):
    """Split along axis 1 (axis 0 for 1-D)."""
    ary = arr(ary)
    return _split_any(ary, indices_or_sections, 0 if ary.ndim == 1 else 1)


@_export
def vsplit(ary, indices_or_sections):
    """Split along axis 0."""
    return _split_any(arr(ary), indices_or_sections, 0)


def _split_any(ary, sections, axis):
    if isinstance(sections, int):
        return split(ary, sections, axis=axis)
    return array_split(ary, sections, axis=axis)


@_export
def moveaxis(a, source, destination):
    """Move axis `source` to position `destination`."""
    a = arr(a)
    order = list(range(a.ndim))
    src = int(source) % a.ndim
    order.remove(src)
    order.insert(int(destination) % a.ndim, src)
    return a.transpose(*order)


@_export
def roll(a, shift, axis=None):
    """Elements shifted by `shift` along `axis` (the flattened array when None)."""
    a = arr(a)
    if axis is None:
        return roll(a.reshape(-1), shift, 0).reshape(a.shape)
    n = a.shape[int(axis)]
    idx = ndarray._wrap((_onp.arange(n) - int(shift)) % max(n, 1))
    return invoke(get_op("take"), [a, idx], {"axis": int(axis), "mode": "wrap"},
                  out_cls=ndarray)


@_export
def take_along_axis(arr_, indices, axis):
    """arr_[..., indices[...], ...] along `axis` (NumPy's take_along_axis)."""
    a = arr(arr_)
    idx = indices if isinstance(indices, ndarray) else ndarray._wrap(_onp.asarray(indices))
    return invoke(get_op("_take_along_axis"), [a, idx], {"axis": int(axis)}, out_cls=ndarray)


@_export
def diff(a, n=1, axis=-1):
    """n-th discrete difference along `axis`."""
    a = arr(a)
    n = int(n)
    if n < 0:
        raise ValueError("diff: order must be non-negative but got %d" % n)
    if a.ndim == 0:
        raise ValueError("diff requires input that is at least one dimensional")
    # After `size` differences the axis is empty; further ones change nothing.
    for _ in range(min(n, a.shape[axis])):
        size = a.shape[axis]
        hi = _op("slice_axis", [a], {"axis": int(axis), "begin": 1, "end": size})
        lo = _op("slice_axis", [a], {"axis": int(axis), "begin": 0, "end": size - 1})
        a = hi - lo
    return a


@_export
def ptp(a, axis=None, keepdims=False):
    """max - min over `axis`."""
    return FUNCTIONS["max"](a, axis=axis, keepdims=keepdims) - \
        FUNCTIONS["min"](a, axis=axis, keepdims=keepdims)


@_export
def average(a, axis=None, weights=None, returned=False):
    """Weighted mean over `axis`."""
    a = arr(a)
    attrs = {"axis": None if axis is None else int(axis), "keepdims": False, "exclude": False}
    if weights is None:
        avg = _op("mean", [a], attrs)
        total = float(a.size if axis is None else a.shape[int(axis)])
        return (avg, total) if returned else avg
    w = arr(weights)
    if w.shape != a.shape:
        if axis is None or w.ndim != 1:
            raise MXNetError("average: weights of shape %s need axis for data %s"
                             % (w.shape, a.shape))
        shape = [1] * a.ndim
        shape[int(axis)] = -1
        w = w.reshape(shape)
    num = _op("sum", [a * w], attrs)
    den = _op("sum", [w * _op("ones_like", [a])], attrs)
    return (num / den, den) if returned else num / den


def _tri(m, k, lower):
    m = arr(m)
    rows, cols = m.shape[-2:]
    mask = _onp.tri(rows, cols, int(k), dtype=bool) if lower else \
        ~_onp.tri(rows, cols, int(k) - 1, dtype=bool)
    cond = ndarray._wrap(_onp.broadcast_to(mask, m.shape).astype(m._data.dtype))
    return invoke(get_op("where"), [cond, m, _op("zeros_like", [m])], out_cls=ndarray)


@_export
def tril(m, k=0):
    """Lower triangle (elements above diagonal k zeroed)."""
    return _tri(m, k, True)


@_export
def triu(m, k=0):
    """Upper triangle (elements below diagonal k zeroed)."""
    return _tri(m, k, False)


@_export
def diagonal(a, offset=0, axis1=0, axis2=1):
    """The `offset` diagonal of a 2-D array."""
    a = arr(a)
    if a.ndim != 2 or {axis1 % 2, axis2 % 2} != {0, 1}:
        raise MXNetError("diagonal: only 2-D arrays (axis1=0, axis2=1) are supported")
    return FUNCTIONS["diag"](a, offset)


@_export
def fabs(x):
    """Absolute value."""
    return FUNCTIONS["abs"](x)


@_export
def positive(x):
    """+x (a copy)."""
    return _op("_copy", [x])


@_export
def copy(a):
    """A copy (recorded)."""
    return _op("_copy", [a])


@_export
def around(a, decimals=0):
    """Round to `decimals` decimals (zero gradient)."""
    if decimals:
        if not -300 <= int(decimals) <= 300:
            raise ValueError("around: decimals=%d is out of range for floating point numbers"
                             % int(decimals))
        s = 10.0 ** int(decimals)
        return _op("rint", [arr(a) * s]) / s
    return _op("rint", [a])


FUNCTIONS["round"] = FUNCTIONS["round_"] = around


@_export
def bitwise_not(x, out=None, **kwargs):
    """Bitwise not of a bool or integer array (MXNet refuses floats; not differentiable)."""
    no_extra_keywords("bitwise_not", kwargs)
    return ~arr(x)


FUNCTIONS["invert"] = bitwise_not


def _host_fn(name, fn, doc):
    def f(x, *args, **kwargs):
        host_reads.note(x)  # a hybridized block runs this forward eagerly after tracing
        return ndarray._wrap(_onp.asarray(fn(_host(x), *args, **kwargs)))
    f.__name__ = name
    f.__doc__ = doc + " (computed on the host, not differentiable)."
    _export(f, name)


for _name, _doc in (("signbit", "Where the sign bit is set"),
                    ("argwhere", "Indices of non-zero elements"),
                    ("flatnonzero", "Flat indices of non-zero elements")):
    _host_fn(_name, getattr(_onp, _name), _doc)


def _flag(a, name: str, **attrs) -> ndarray:
    """The comparison operator `name` on `a` as a bool array (recorded)."""
    res = invoke(get_op(name), [arr(a)], attrs, out_cls=ndarray)
    return res if res.dtype == _onp.bool_ else \
        invoke(get_op("Cast"), [res], {"dtype": "bool"}, out_cls=ndarray)


def _floats(a, b):
    """`a` and `b` as arrays of one floating dtype (float64 for integers; a Python number
    takes the other operand's dtype)."""
    arrays = [arr(x) if hasattr(x, "_data") or _onp.ndim(x) else None for x in (a, b)]
    kinds = [x.dtype for x in arrays if x is not None]
    dtype = _onp.result_type(*kinds) if kinds else _onp.dtype(_onp.float64)
    dtype = dtype if dtype.kind == "f" else _onp.dtype(_onp.float64)

    def cast(x, raw):
        if x is None:
            return ndarray._wrap(_onp.array(raw, dtype=dtype))
        return x if _onp.dtype(x.dtype) == dtype else \
            invoke(get_op("Cast"), [x], {"dtype": dtype.name}, out_cls=ndarray)
    return cast(arrays[0], a), cast(arrays[1], b)


def _value_class(x, kind: str) -> ndarray:
    """tapegraph.ir.composites.value_class as a bool array (recorded)."""
    x = arr(x)
    res = composites.value_class(Eager, x, kind, _onp.dtype(x.dtype).kind == "f")
    return invoke(get_op("Cast"), [res], {"dtype": "bool"}, out_cls=ndarray)


@_export
def isnan(x):
    """Where x is NaN (x != x; recorded, not differentiable)."""
    return _value_class(x, "nan")


@_export
def isinf(x):
    """Where x is infinite (recorded, not differentiable)."""
    return _value_class(x, "inf")


@_export
def isfinite(x):
    """Where x is finite (recorded, not differentiable)."""
    return _value_class(x, "finite")


@_export
def logical_not(x):
    """Logical not, as a bool array (recorded, not differentiable)."""
    return _flag(x, "_equal_scalar", scalar=0.0)


@_export
def count_nonzero(a, axis=None, keepdims=False):
    """How many elements (along `axis`) are non-zero, as int64 (recorded)."""
    a = arr(a)
    flags = invoke(get_op("Cast"), [_flag(a, "_not_equal_scalar", scalar=0.0)],
                   {"dtype": "int64"}, out_cls=ndarray)
    attrs = {"keepdims": bool(keepdims)}
    if axis is not None:
        attrs["axis"] = tuple(int(x) for x in axis) if isinstance(axis, (tuple, list)) \
            else int(axis)
    return invoke(get_op("sum"), [flags], attrs, out_cls=ndarray)


@_export
def nonzero(a):
    """Indices of the non-zero elements, one int64 array per axis (host)."""
    host_reads.note(a)  # shapes from values: a hybridized block runs it eagerly
    return tuple(ndarray._wrap(i) for i in _onp.nonzero(_host(a)))


@_export
def all(a, axis=None, keepdims=False):  # noqa: A001  (NumPy's name)
    """Whether all elements (along `axis`) are true."""
    return truth_reduce(arr(a), "min", axis, keepdims)


@_export
def any(a, axis=None, keepdims=False):  # noqa: A001  (NumPy's name)
    """Whether any element (along `axis`) is true."""
    return truth_reduce(arr(a), "max", axis, keepdims)


@_export
def isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Elementwise |a - b| <= atol + rtol * |b| for finite values (NumPy's: equal values,
    infinities too, are close; NaNs are close to NaNs when `equal_nan`), as a bool array:
    recorded operators."""
    a, b = _floats(a, b)
    same = a == b
    a0, b0 = (FUNCTIONS["where"](same, 0.0, x) for x in (a, b))
    close = FUNCTIONS["absolute"](a0 - b0) <= FUNCTIONS["absolute"](b0) * float(rtol) + \
        float(atol)
    close = same | (close & isfinite(a0) & isfinite(b0))  # infinities: only when equal
    if equal_nan:
        close = close | (isnan(a) & isnan(b))
    return close


@_export
def allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True if all elements are close (a Python bool, read on the host)."""
    host_reads.note(a, b)
    return bool(_onp.allclose(_host(a), _host(b), rtol, atol, equal_nan))


def _creator(name, fn):
    def f(*args, dtype=None, ctx=None, **kwargs):
        out = _onp.asarray(fn(*args, **kwargs))
        if dtype is not None:
            out = out.astype(dtype)
        elif out.dtype == _onp.float64:
            out = out.astype(_onp.float32)
        return ndarray._wrap(out)
    f.__name__ = name
    f.__doc__ = "NumPy's %s (float32 by default)." % name
    _export(f, name)


for _name in ("eye", "identity", "linspace", "logspace", "tri"):
    _creator(_name, getattr(_onp, _name))


@_export
def full_like(a, fill_value, dtype=None):
    """An array like `a` filled with `fill_value`."""
    return ndarray._wrap(_onp.full_like(_host(a), fill_value, dtype=dtype))


@_export
def empty_like(prototype, dtype=None):
    """An array like `prototype` (zeros here)."""
    return ndarray._wrap(_onp.zeros_like(_host(prototype), dtype=dtype))


def names() -> Sequence[str]:
    return sorted(FUNCTIONS)


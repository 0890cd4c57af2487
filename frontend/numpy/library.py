"""The `mx.np` operator functions NumPy users expect, each recording registered operators
(MXNet's `_npi_*` names appear through each OpDef's `mxnet_np`)."""
from __future__ import annotations

from typing import Any, Dict, Sequence

import numpy as _onp

from ..ir import get_op
from ..ir.errors import MXNetError, ShapeError
from ..trace import host_reads
from ..trace.invoke import invoke
from ..accel.lazy import shape_dtype
from ..ndarray import dispatch as _dispatch, library as _ndlib
from ..ndarray.creation import to_numpy as _to_numpy
from .ndarray import ndarray
from ..ndarray.library import diag as _diag

FUNCTIONS: Dict[str, Any] = {}


def arr(x) -> ndarray:
    """`x` as an `mx.np.ndarray` (array-likes are converted, float32 by default). A legacy
    `mx.nd.NDArray` is refused, as MXNet does (it would silently leave the graph)."""
    if isinstance(x, ndarray):
        return x
    if hasattr(x, "_data"):
        raise TypeError("this is a numpy operator which can only accept MXNet numpy ndarrays, "
                        "while received a legacy ndarray: call as_np_ndarray() upon the legacy "
                        "ndarray to convert it to an MXNet numpy ndarray")
    return ndarray._wrap(_to_numpy(x, None, ndarray))


def _op(name, arrays, attrs=None):
    return invoke(get_op(name), [arr(a) for a in arrays], attrs or {}, out_cls=ndarray)


def _axis(axis):
    if axis is None:
        return None
    return tuple(int(a) for a in axis) if isinstance(axis, (tuple, list)) else int(axis)


def no_extra_keywords(name: str, kw) -> None:
    """NumPy's TypeError for keywords a function does not take (never silently ignored)."""
    if kw:
        raise TypeError("%s() got an unexpected keyword argument %r" % (name, next(iter(kw))))


def _export(fn, *names):
    for n in names or (fn.__name__,):
        FUNCTIONS[n] = fn
    return fn


def _unary(opname, *names):
    def fn(x, out=None, **kw):
        no_extra_keywords(names[0] if names else opname, kw)
        return _op(opname, [x])
    fn.__name__ = names[0] if names else opname
    fn.__doc__ = get_op(opname).doc or "Elementwise %s." % opname
    _export(fn, *(names or (opname,)))


for _name in ("exp", "expm1", "log", "log2", "log10", "log1p", "sqrt", "cbrt", "square",
              "reciprocal", "sin", "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
              "tanh", "arcsinh", "arccosh", "arctanh", "degrees", "radians", "sign", "floor",
              "ceil", "rint", "trunc", "fix", "negative"):
    _unary(_name)
_unary("abs", "abs", "absolute")
_unary("degrees", "rad2deg")
_unary("radians", "deg2rad")


def _binary(name, *aliases):
    def fn(x1, x2, out=None, **kw):
        no_extra_keywords(name, kw)
        if _dispatch.is_scalar(x1) and not _dispatch.is_scalar(x2):
            return _ndlib.binary(name, x1, arr(x2), ndarray)
        return _ndlib.binary(name, arr(x1), x2 if _dispatch.is_scalar(x2) else arr(x2),
                             ndarray)
    fn.__name__ = name
    fn.__doc__ = "Elementwise %s with broadcasting." % name
    _export(fn, name, *aliases)


_binary("maximum", "fmax")
_binary("minimum", "fmin")
_binary("hypot")
_binary("mod", "remainder")
_binary("arctan2")


@_export
def where(condition, x=None, y=None):
    """Elements of x where `condition` is true, else of y (broadcasting; scalars allowed)."""
    if x is None and y is None:
        host_reads.note(condition)  # shapes from values: a hybridized block runs eagerly
        return tuple(ndarray._wrap(i) for i in _onp.nonzero(arr(condition)._data))
    cond = arr(condition)  # an input of the recorded `where` (which has no gradient in it)
    return _ndlib.where(cond, x if isinstance(x, ndarray) or _dispatch.is_scalar(x) else arr(x),
                        y if isinstance(y, ndarray) or _dispatch.is_scalar(y) else arr(y))


@_export
def clip(a, a_min, a_max, out=None):
    """Limit values to [a_min, a_max] (either bound may be None, not both)."""
    if a_min is None and a_max is None:
        raise ValueError("clip: a_min and a_max cannot both be None")
    return _op("clip", [a], {"a_min": -_onp.inf if a_min is None else float(a_min),
                             "a_max": _onp.inf if a_max is None else float(a_max)})


MEAN_AS = {"b": "float32", "i": "float32", "u": "float32"}  # integer means are float32
_ACCUMULATE = {"prod": {"b": "int64"}}  # bool products (and sums) are int64


def accumulate_as(a, dtype, default_for):
    """`a` cast for a reduction: to `dtype` when given, else as MXNet does (`default_for`:
    dtype kind -> dtype, e.g. {"b": "int64"}: bool sums are int64)."""
    have = shape_dtype(a)[1]  # (without running a pending array)
    want = dtype if dtype is not None else default_for.get(have.kind)
    if want is None or have == _onp.dtype(want):
        return a
    return a.astype(want)


def _reduce(opname, *names):
    def fn(a, axis=None, dtype=None, out=None, keepdims=False, **kw):
        no_extra_keywords(names[0], kw)
        a = accumulate_as(arr(a), dtype, _ACCUMULATE.get(opname, {}))
        return _op(opname, [a], {"axis": _axis(axis), "keepdims": bool(keepdims),
                                 "exclude": False})
    fn.__name__ = names[0]
    fn.__doc__ = get_op(opname).doc
    _export(fn, *names)


_reduce("prod", "prod")
_reduce("max", "max", "amax")
_reduce("min", "min", "amin")


def _arg(opname):
    def fn(a, axis=None, out=None, keepdims=False):
        out = _op(opname, [a], {"axis": None if axis is None else int(axis),
                                "keepdims": bool(keepdims)})
        return invoke(get_op("Cast"), [out], {"dtype": "int64"})
    fn.__name__ = opname
    fn.__doc__ = "Index of the %s along `axis` (int64)." % opname[3:]
    _export(fn)


_arg("argmax")
_arg("argmin")


@_export
def cumsum(a, axis=None, dtype=None, out=None):
    """Running sum along `axis` (over the flattened array when None)."""
    return _op("cumsum", [a], {"axis": None if axis is None else int(axis),
                               "dtype": None if dtype is None else _onp.dtype(dtype).name})


@_export
def var(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    """Variance over `axis` (in `dtype`; integer inputs: in their dtype, as MXNet)."""
    a = arr(a)
    mean = _op("mean", [a], {"axis": _axis(axis), "keepdims": True, "exclude": False})
    centred = a - mean
    n = a.size if axis is None else int(_onp.prod([a.shape[i] for i in _onp.atleast_1d(axis)]))
    total = _op("sum", [centred * centred], {"axis": _axis(axis), "keepdims": bool(keepdims),
                                             "exclude": False})
    return _stat_as(total / float(n - ddof), a, dtype)


def _stat_as(result, a, dtype):
    """A variance or deviation in `dtype`, else (as MXNet) an integer input's own dtype:
    the float statistic truncated (`std` of int32 [1..6] is 1)."""
    want = _onp.dtype(dtype) if dtype is not None else (
        a.dtype if _onp.dtype(a.dtype).kind in "iu" else None)
    return result if want is None or result.dtype == want else result.astype(want)


@_export
def std(a, axis=None, dtype=None, out=None, ddof=0, keepdims=False):
    """Standard deviation over `axis` (in `dtype`; integer inputs: in their dtype)."""
    a = arr(a)
    exact = "float32" if _onp.dtype(a.dtype).kind in "iu" else None  # not truncated yet
    spread = _op("sqrt", [var(a, axis=axis, dtype=exact, ddof=ddof, keepdims=keepdims)])
    return _stat_as(spread, a, dtype)


@_export
def matmul(a, b, out=None):
    """Matrix product with NumPy's rules (batch dimensions broadcast)."""
    a, b = arr(a), arr(b)
    if a.ndim == 0 or b.ndim == 0:
        raise MXNetError("matmul: input operands must have at least one dimension")
    if a.ndim <= 2 and b.ndim <= 2:
        return _op("_np_dot", [a, b])
    a2 = a if a.ndim > 1 else expand_dims(a, 0)
    b2 = b if b.ndim > 1 else expand_dims(b, -1)
    batch = _onp.broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    m, k, n = a2.shape[-2], a2.shape[-1], b2.shape[-1]
    a3 = broadcast_to(a2, batch + a2.shape[-2:]).reshape(-1, m, k)
    b3 = broadcast_to(b2, batch + b2.shape[-2:]).reshape(-1, k, n)
    out = _op("batch_dot", [a3, b3]).reshape(batch + (m, n))
    if a.ndim == 1:
        out = squeeze(out, -2)
    if b.ndim == 1:
        out = squeeze(out, -1)
    return out


@_export
def concatenate(seq, axis=0, out=None):
    """Join arrays along an existing axis (axis=None flattens first)."""
    seq = [arr(a) for a in seq]
    if axis is None:
        seq, axis = [a.reshape(-1) for a in seq], 0
    return _op("Concat", seq, {"dim": int(axis), "num_args": len(seq)})


@_export
def stack(arrays, axis=0, out=None):
    """Join arrays of one shape along a new axis."""
    arrays = [arr(a) for a in arrays]
    return _op("stack", arrays, {"axis": int(axis), "num_args": len(arrays)})


@_export
def split(ary, indices_or_sections, axis=0):
    """Split along `axis` into equal sections, or at the given indices (a list)."""
    if not isinstance(indices_or_sections, int):
        ary = arr(ary)
        axis = int(axis) % max(ary.ndim, 1)
        bounds = [0] + [int(i) for i in indices_or_sections] + [ary.shape[axis]]
        index = [slice(None)] * ary.ndim
        parts = []
        for start, stop in zip(bounds[:-1], bounds[1:]):
            index[axis] = slice(start, max(start, stop))
            parts.append(ary[tuple(index)])
        return parts
    out = _op("SliceChannel", [ary], {"num_outputs": int(indices_or_sections),
                                      "axis": int(axis), "squeeze_axis": False})
    return list(out) if isinstance(out, tuple) else [out]


@_export
def expand_dims(a, axis):
    """Insert an axis of size 1."""
    return _op("expand_dims", [a], {"axis": int(axis)})


@_export
def squeeze(a, axis=None):
    """Remove axes of size 1."""
    return _op("squeeze", [a], {"axis": _axis(axis)})


@_export
def broadcast_to(array, shape):
    """Broadcast to `shape` (NumPy rules)."""
    return _op("broadcast_to", [array], {"shape": tuple(int(s) for s in shape)})


@_export
def tile(A, reps):
    """Repeat the whole array `reps` times along each axis."""
    reps = (int(reps),) if isinstance(reps, int) else tuple(int(r) for r in reps)
    return _op("tile", [A], {"reps": reps})


@_export
def repeat(a, repeats, axis=None):
    """Repeat each element `repeats` times."""
    return _op("repeat", [a], {"repeats": int(repeats),
                               "axis": None if axis is None else int(axis)})


@_export
def flip(m, axis=None):
    """Reverse the order of elements along `axis` (all axes when None)."""
    m = arr(m)
    axis = tuple(range(m.ndim)) if axis is None else _axis(axis)
    return _op("reverse", [m], {"axis": axis})


@_export
def swapaxes(a, axis1, axis2):
    """Interchange two axes."""
    return _op("SwapAxis", [a], {"dim1": int(axis1), "dim2": int(axis2)})


@_export
def ravel(x, order="C"):
    """The flattened array."""
    return arr(x).reshape(-1)


@_export
def take(a, indices, axis=None, mode="raise", out=None):
    """Elements of `a` at integer `indices` along `axis` (of the flattened array if None)."""
    a = arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    idx = indices if isinstance(indices, ndarray) else ndarray._wrap(
        _onp.asarray(indices, dtype=_onp.int64))
    return invoke(get_op("take"), [a, idx], {"axis": int(axis), "mode": mode},
                  out_cls=ndarray)


@_export
def sort(a, axis=-1, kind=None, order=None):
    """A sorted copy of `a` along `axis` (ascending)."""
    a = arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    return _op("sort", [a], {"axis": int(axis), "is_ascend": True})


@_export
def argsort(a, axis=-1, kind=None, order=None):
    """Indices that sort `a` along `axis` (int64)."""
    a = arr(a)
    if axis is None:
        a, axis = a.reshape(-1), 0
    return _op("argsort", [a], {"axis": int(axis), "is_ascend": True, "dtype": "int64"})


@_export
def diag(v, k=0):
    """The k-th diagonal of a 2-D array, or a 2-D array with `v` on its k-th diagonal."""
    return _diag(arr(v), k=k)


@_export
def trace(a, offset=0):
    """Sum of the `offset` diagonal of a 2-D array."""
    return _op("sum", [diag(a, offset)], {"axis": None, "keepdims": False, "exclude": False})


@_export
def outer(a, b):
    """Outer product of two arrays (flattened first)."""
    return arr(a).reshape(-1, 1) * arr(b).reshape(1, -1)


@_export
def tensordot(a, b, axes=2):
    """Sum products over the last `axes` axes of a and the first of b (or explicit lists)."""
    a, b = arr(a), arr(b)
    if isinstance(axes, int):
        if not 0 <= axes <= min(a.ndim, b.ndim):
            raise ShapeError("tensordot: axes=%d, but the inputs have %d and %d dimensions"
                             % (axes, a.ndim, b.ndim))
        ax_a, ax_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        ax_a, ax_b = [list(_onp.atleast_1d(x)) for x in axes]
    for axs, t in ((ax_a, a), (ax_b, b)):
        for x in axs:
            if not -t.ndim <= int(x) < t.ndim:
                raise ShapeError("tensordot: axis %d is out of range for a %d-d input"
                                 % (int(x), t.ndim))
    ax_a, ax_b = [int(x) % a.ndim for x in ax_a], [int(x) % b.ndim for x in ax_b]
    keep_a = [i for i in range(a.ndim) if i not in ax_a]
    keep_b = [i for i in range(b.ndim) if i not in ax_b]
    k = int(_onp.prod([a.shape[i] for i in ax_a]))
    a2 = a.transpose(*(keep_a + ax_a)).reshape(-1, k) if a.ndim else a.reshape(1, 1)
    b2 = b.transpose(*(ax_b + keep_b)).reshape(k, -1) if b.ndim else b.reshape(1, 1)
    out = _op("_np_dot", [a2, b2])
    return out.reshape(tuple(a.shape[i] for i in keep_a) + tuple(b.shape[i] for i in keep_b))


def norm(x, ord=None, axis=None, keepdims=False):
    """Frobenius / 2-norm (ord None or 2) or 1-norm (ord=1) over `axis`."""
    ord = 2 if ord in (None, "fro") else ord
    if ord not in (1, 2):
        raise MXNetError("linalg.norm: ord=%r is not supported (None, 'fro', 1, 2)" % (ord,))
    return _op("norm", [x], {"ord": int(ord), "axis": _axis(axis), "out_dtype": None,
                             "keepdims": bool(keepdims)})


def names() -> Sequence[str]:
    return sorted(FUNCTIONS)

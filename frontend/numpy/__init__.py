"""`mx.np`: NumPy-compatible arrays and functions (float32 by default)."""
from __future__ import annotations

import numpy as _onp

from ..ir import get_op as _get_op
from ..trace import host_reads as _host_reads
from ..trace.invoke import invoke as _invoke
from ..ndarray import dispatch as _dispatch
from ..ndarray.creation import arange as _arange, make as _make, to_numpy as _to_numpy
from ..ndarray.ndarray import placed as _placed, recorded_copy as _recorded_copy
from .ndarray import ndarray
from . import random  # noqa: F401
from . import linalg  # noqa: F401
from .library import FUNCTIONS as _FUNCTIONS, MEAN_AS, accumulate_as, no_extra_keywords
from . import compose as _compose  # noqa: F401,E402  (adds to FUNCTIONS)
from . import einsum as _einsum  # noqa: F401,E402  (adds to FUNCTIONS)
from . import methods as _methods  # noqa: F401,E402  (nonzero, reshape_view)
from ..ndarray.ops import _finish

float32, float64, float16 = _onp.float32, _onp.float64, _onp.float16
int32, int64, int8, uint8, bool_ = _onp.int32, _onp.int64, _onp.int8, _onp.uint8, _onp.bool_
pi, e, inf, nan, newaxis = _onp.pi, _onp.e, _onp.inf, _onp.nan, None
# MXNet's mx.np.bool is Python's bool (so this binding changes nothing in this module).
bool = bool  # noqa: A001


def set_printoptions(precision=None, threshold=None, **kwarg) -> None:
    """Set how arrays print: `precision` (digits of floats, default 8) and `threshold`
    (element count above which arrays are summarised, default 1000). As in MXNet 1.9.1 these
    are host NumPy's global print options (so they affect NumPy's printing too), and other
    options raise NotImplementedError."""
    if kwarg:
        raise NotImplementedError("mxnet.numpy.set_printoptions only supports parameters "
                                  "precision and threshold for now.")
    _onp.set_printoptions(precision=precision, threshold=threshold)


def _arr(x) -> ndarray:
    if isinstance(x, ndarray):
        return x
    if hasattr(x, "_data"):  # a legacy NDArray: the same buffer and traced value
        out = ndarray._wrap(x._data)
        out._value = x._value
        return out
    return ndarray._wrap(_to_numpy(x, None, ndarray))


def array(object, dtype=None, ctx=None, copy=True) -> ndarray:
    """An array holding a copy of `object`. Without `dtype`, NumPy arrays and scalars keep
    their dtype and Python data becomes float32 (MXNet 1.9.1's `np.array`)."""
    if dtype is None and isinstance(object, (_onp.ndarray, _onp.generic)):
        dtype = object.dtype
    copy = _recorded_copy(object, dtype, ndarray)
    if copy is not None:
        return _placed(copy, ctx)
    return _placed(ndarray._wrap(_to_numpy(object, dtype, ndarray)), ctx)


asarray = array


def zeros(shape, dtype=None, order="C", ctx=None) -> ndarray:
    """An array of zeros."""
    return _placed(_make(ndarray, 0, shape, dtype), ctx)


def ones(shape, dtype=None, order="C", ctx=None) -> ndarray:
    """An array of ones."""
    return _placed(_make(ndarray, 1, shape, dtype), ctx)


def full(shape, fill_value, dtype=None, order="C", ctx=None) -> ndarray:
    """An array filled with `fill_value`."""
    return _placed(_make(ndarray, fill_value, shape, dtype), ctx)


def empty(shape, dtype=None, order="C", ctx=None) -> ndarray:
    return _placed(_make(ndarray, "empty", shape, dtype), ctx)


def arange(start, stop=None, step=1, dtype=None, ctx=None) -> ndarray:
    """Evenly spaced values (float32 by default)."""
    return _placed(_arange(ndarray, start, stop, step, 1, dtype), ctx)


def zeros_like(a, dtype=None) -> ndarray:
    """Zeros of `a`'s shape, in `dtype` (default: `a`'s)."""
    out = _invoke(_get_op("zeros_like"), [_arr(a)])
    return out if dtype is None else out.astype(dtype, copy=False)


def ones_like(a, dtype=None) -> ndarray:
    """Ones of `a`'s shape, in `dtype` (default: `a`'s)."""
    out = _invoke(_get_op("ones_like"), [_arr(a)])
    return out if dtype is None else out.astype(dtype, copy=False)


def _unary(opname):
    opdef = _get_op(opname)

    def fn(x, out=None, **kw):
        no_extra_keywords(opname, kw)
        return _invoke(opdef, [_arr(x)])
    fn.__name__ = opname
    fn.__doc__ = "Elementwise %s." % opname
    return fn


exp, log, sin, cos, tanh, sqrt, square = (_unary(n) for n in
                                          ("exp", "log", "sin", "cos", "tanh", "sqrt", "square"))
abs = absolute = _unary("abs")
negative, sign, floor, ceil = (_unary(n) for n in ("negative", "sign", "floor", "ceil"))
expm1, log1p, log2, log10 = (_unary(n) for n in ("expm1", "log1p", "log2", "log10"))


def _binary(kind):
    def fn(x1, x2, out=None, **kw):
        no_extra_keywords(kind, kw)
        if isinstance(x1, ndarray) or not isinstance(x2, ndarray):
            return _dispatch.binary(kind, _arr(x1), x2)
        return _dispatch.binary(kind, x2, x1, reflected=True)
    fn.__name__ = kind
    return fn


add, subtract, multiply, divide, power = (_binary(k) for k in ("add", "sub", "mul", "div", "pow"))
true_divide = divide
equal, not_equal, greater, less = (_binary(k) for k in ("eq", "ne", "gt", "lt"))
greater_equal, less_equal = _binary("ge"), _binary("le")


def _axis(axis):
    if axis is None:
        return None
    return tuple(axis) if isinstance(axis, (tuple, list)) else int(axis)


def sum(a, axis=None, dtype=None, out=None, keepdims=False, initial=None):
    """Sum of elements over `axis` (plus `initial`), in `dtype` if given (bool: int64)."""
    result = _invoke(_get_op("sum"), [accumulate_as(_arr(a), dtype, {"b": "int64"})],
                     {"axis": _axis(axis), "keepdims": bool(keepdims), "exclude": False})
    if initial is not None:
        result = result + initial
    return result


def mean(a, axis=None, dtype=None, out=None, keepdims=False):
    """Mean over `axis`, in `dtype` if given (integers and bool: float32, as MXNet)."""
    return _invoke(_get_op("mean"), [accumulate_as(_arr(a), dtype, MEAN_AS)],
                   {"axis": _axis(axis), "keepdims": bool(keepdims), "exclude": False})


def dot(a, b, out=None):
    """NumPy's dot (vector . vector gives a 0-d array)."""
    a, b = _arr(a), _arr(b)
    return _invoke(_get_op("_np_dot"), [a, b])


def reshape(a, newshape, order="C"):
    return _arr(a).reshape(newshape)


def transpose(a, axes=None):
    return _arr(a).transpose(*(axes or ()))


def array_equiv(a1, a2) -> bool:
    """True if the arrays have broadcast-compatible shapes and equal elements."""
    def host(x):
        return x._data if hasattr(x, "_data") else _onp.asarray(x)
    _host_reads.note(a1, a2)  # a Python bool read on the host (hybridize: eager)
    return bool(_onp.array_equiv(host(a1), host(a2)))


def array_equal(a1, a2) -> bool:
    def host(x):
        return x._data if hasattr(x, "_data") else _onp.asarray(x)
    _host_reads.note(a1, a2)  # a Python bool read on the host (hybridize: eager)
    return bool(_onp.array_equal(host(a1), host(a2)))


def shape(a):
    return _arr(a).shape


def ndim(a):
    return _arr(a).ndim


def size(a):
    return _arr(a).size


globals().update(_FUNCTIONS)


def _honour_out(fn):
    """Wrap a function with an `out` parameter so that `out=` is written (shape checked,
    cast to out's dtype) and returned, instead of being ignored."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, out=None, **kwargs):
        result = fn(*args, **kwargs)
        return result if out is None else _finish(result, out)
    return wrapper


def _wrap_out_parameters(namespace):
    import inspect
    for name, fn in list(namespace.items()):
        if name.startswith("_") or not inspect.isfunction(fn):
            continue
        try:
            params = inspect.signature(fn).parameters
        except (TypeError, ValueError):
            continue
        if "out" in params:
            namespace[name] = _honour_out(fn)


_wrap_out_parameters(globals())

from . import fallback as _fallback  # noqa: E402

_fallback.install(globals())

"""`mx.util`: NumPy-semantics switches (`set_np`, `use_np`, `np_shape` ...), environment
variables and the GPU queries of MXNet 1.9.1.

NumPy semantics are two thread-local flags as in MXNet: *shape* (zero-dim and zero-size
arrays) and *array* (operators return `mx.np.ndarray`). Array semantics need shape
semantics. tapegraph arrays always allow zero-dim shapes; the flags are what `is_np_shape`,
`is_np_array` and code that branches on them (Gluon blocks) see.
"""
from __future__ import annotations

import functools
import inspect
import os
import threading
from typing import Any, Callable, Optional

from .ir.errors import MXNetError

_STATE = threading.local()

_UFUNC_DEFAULTS = {"where": True, "casting": "same_kind", "order": "K", "dtype": None,
                   "subok": True}
_UFUNC_DTYPES = {"int8", "uint8", "int32", "int64", "float16", "float32", "float64"}


def _get(flag: str) -> bool:
    return getattr(_STATE, flag, False)


def is_np_shape() -> bool:
    """True if NumPy shape semantics are on."""
    return _get("shape")


def is_np_array() -> bool:
    """True if NumPy array semantics are on (operators return `mx.np.ndarray`)."""
    return _get("array")


def set_np_shape(active: bool) -> bool:
    """Turn NumPy shape semantics on or off; returns the previous state."""
    previous = is_np_shape()
    _STATE.shape = bool(active)
    return previous


def _set_np_array(active: bool) -> bool:
    previous = is_np_array()
    _STATE.array = bool(active)
    return previous


def set_np(shape: bool = True, array: bool = True) -> None:
    """Turn NumPy shape and array semantics on (or set each)."""
    if not shape and array:
        raise ValueError("NumPy Shape semantics is required in using NumPy array semantics.")
    _set_np_array(array)
    set_np_shape(shape)


def reset_np() -> None:
    """Back to legacy MXNet semantics (both flags off)."""
    set_np(shape=False, array=False)


class _Scope:
    """A `with` block that sets one flag and restores it on exit."""

    def __init__(self, setter: Callable[[bool], bool], active: bool):
        self._setter, self._active, self._previous = setter, bool(active), None

    def __enter__(self):
        self._previous = self._setter(self._active)
        return self

    def __exit__(self, *exc) -> None:
        self._setter(self._previous)


def np_shape(active: bool = True) -> _Scope:
    """A `with` scope with NumPy shape semantics on (or off)."""
    return _Scope(set_np_shape, active)


def np_array(active: bool = True) -> _Scope:
    """A `with` scope with NumPy array semantics on (or off)."""
    return _Scope(_set_np_array, active)


def _scoped(func: Any, scope: Callable[[], Any], label: str) -> Any:
    """Wrap a function, or every method / static function / property of a class."""
    if inspect.isclass(func):
        members = inspect.getmembers(func, predicate=lambda f: inspect.isfunction(f) or
                                     inspect.ismethod(f) or isinstance(f, property))
        for name, member in members:
            if isinstance(member, property):
                setattr(func, name, property(_scoped(member.__get__, scope, label),
                                             member.__set__, member.__delattr__,
                                             member.__doc__))
            else:
                setattr(func, name, _scoped(member, scope, label))
        return func
    if callable(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with scope():
                return func(*args, **kwargs)
        return wrapper
    raise TypeError("%s can only decorate classes and callable objects, while received a %s"
                    % (label, str(type(func))))


def use_np_shape(func: Any) -> Any:
    """Run a function (or every method of a class) with NumPy shape semantics."""
    return _scoped(func, np_shape, "use_np_shape")


def use_np_array(func: Any) -> Any:
    """Run a function (or every method of a class) with NumPy array semantics."""
    return _scoped(func, np_array, "use_np_array")


def use_np(func: Any) -> Any:
    """`use_np_shape(use_np_array(func))`: NumPy semantics inside `func`."""
    return use_np_shape(use_np_array(func))


def set_module(module: str) -> Callable[[Any], Any]:
    """Decorator setting `__module__` of a function or class."""
    def decorator(func):
        if module is not None:
            func.__module__ = module
        return func
    return decorator


def np_ufunc_legal_option(key: str, value: Any) -> bool:
    """True if `key=value` is a NumPy ufunc keyword with a value MXNet understands."""
    if key == "where":
        return True
    if key == "casting":
        return value in {"no", "equiv", "safe", "same_kind", "unsafe"}
    if key == "order":
        return isinstance(value, str)
    if key == "dtype":
        import numpy as _np
        return value in _UFUNC_DTYPES or any(value is getattr(_np, d) for d in _UFUNC_DTYPES)
    if key == "subok":
        return isinstance(value, bool)
    return False


def _check_ufunc_kwargs(func: Callable, kwargs: dict, unary: bool) -> None:
    for key, value in kwargs.items():
        if key not in _UFUNC_DEFAULTS:
            raise TypeError("{} is an invalid keyword to function '{}'"
                            .format(key, func.__name__))
        if value != _UFUNC_DEFAULTS[key]:
            if np_ufunc_legal_option(key, value):
                raise NotImplementedError(
                    "{}={} is not implemented yet".format(key, str(value)) +
                    (" for operator {}".format(func.__name__) if unary else ""))
            raise TypeError("{}={} not understood for operator {}"
                            .format(key, value, func.__name__) if unary else
                            "{} {} not understood".format(key, value))


def wrap_np_unary_func(func: Callable) -> Callable:
    """Wrap a unary ufunc: NumPy keywords at their defaults pass, others raise."""
    @functools.wraps(func)
    def wrapper(x, out=None, **kwargs):
        _check_ufunc_kwargs(func, kwargs, unary=True)
        return func(x, out=out)
    return wrapper


def wrap_np_binary_func(func: Callable) -> Callable:
    """Wrap a binary ufunc: NumPy keywords at their defaults pass, others raise."""
    @functools.wraps(func)
    def wrapper(x1, x2, out=None, **kwargs):
        _check_ufunc_kwargs(func, kwargs, unary=False)
        return func(x1, x2, out=out)
    return wrapper


def getenv(name: str) -> Optional[str]:
    """The value of environment variable `name`, or None if unset."""
    return os.environ.get(name)


def setenv(name: str, value: Optional[str]) -> None:
    """Set environment variable `name` (None unsets it)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def get_gpu_count() -> int:
    """The number of GPUs: always 0 (tapegraph computes on the CPU)."""
    return 0


def get_gpu_memory(gpu_dev_id: int):
    """MXNet without CUDA raises; so does tapegraph (it has no GPU)."""
    raise MXNetError("This call is only supported for MXNet built with CUDA support.")


def get_cuda_compute_capability(ctx) -> int:
    """ValueError for a CPU context (as MXNet); tapegraph has no CUDA for a GPU one."""
    if getattr(ctx, "device_type", None) != "gpu":
        raise ValueError("Expecting a gpu context to get cuda compute capability, while "
                         "received ctx {}".format(ctx))
    raise MXNetError("get_cuda_compute_capability: tapegraph has no CUDA (CPU only)")

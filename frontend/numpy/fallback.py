"""NumPy fallbacks: MXNet 1.9.1's `mx.np` offers many official NumPy functions that it
runs on the host (its "fallback" operators). tapegraph does the same for the names below:
mx.np arrays go in as NumPy arrays, array results come back as mx.np arrays.

These functions are not differentiable (they are not traced into the IR): calling one
while recording on an array that is part of the graph raises NonDifferentiableError
instead of silently dropping the gradient."""
from __future__ import annotations

from typing import Any, Callable, Iterable

import numpy as onp

from ..trace.tape import STATE
from ..ir.errors import MXNetError, NonDifferentiableError
from ..unsupported import not_implemented
from .ndarray import ndarray

# mx.np names MXNet serves from official NumPy (or that are host-only there too)
FALLBACK_FUNCTIONS = (
    "alltrue", "append", "apply_along_axis", "apply_over_axes", "argpartition", "atleast_1d",
    "atleast_2d", "atleast_3d", "bincount", "bitwise_and", "bitwise_not", "bitwise_or",
    "bitwise_xor", "blackman", "broadcast_arrays", "choose", "compress", "copysign",
    "corrcoef", "correlate", "cov", "delete", "diag_indices_from", "diagflat", "digitize",
    "divmod", "dsplit", "ediff1d", "extract", "fliplr", "flipud", "float_power", "frexp",
    "genfromtxt", "hamming", "hanning", "heaviside", "histogram", "histogram2d",
    "histogram_bin_edges", "histogramdd", "i0", "in1d", "indices", "inner", "insert",
    "interp", "intersect1d", "invert", "isin", "isneginf", "isposinf", "ix_", "lcm", "ldexp",
    "lexsort", "meshgrid", "modf", "msort", "nan_to_num", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmedian", "nanmin", "nanpercentile", "nanprod",
    "nanquantile", "packbits", "pad", "partition", "percentile", "piecewise", "poly",
    "polyadd", "polydiv", "polyfit", "polyint", "polymul", "polysub", "polyval", "product",
    "quantile", "real", "resize", "rollaxis", "roots", "rot90", "row_stack", "searchsorted",
    "select", "setdiff1d", "setxor1d", "sometrue", "spacing", "trapz", "tril_indices_from",
    "trim_zeros", "triu_indices_from", "union1d", "unique", "unpackbits", "unravel_index",
    "unwrap", "vander", "vdot")
# functions NumPy 2 removed: their NumPy 1 equivalents
_RENAMED = {"alltrue": "all", "sometrue": "any", "product": "prod", "msort": "sort",
            "row_stack": "vstack", "trapz": "trapezoid", "in1d": "isin"}
# financial functions MXNet took from NumPy < 1.20 (now in numpy_financial)
FINANCIAL = ("mirr", "npv", "ppmt", "pv", "rate")
# plain values and dtype helpers that take no arrays
VALUES = {"NAN": onp.nan, "NINF": -onp.inf, "NZERO": -0.0, "NaN": onp.nan, "PINF": onp.inf,
          "PZERO": 0.0, "finfo": onp.finfo,
          "min_scalar_type": onp.min_scalar_type, "promote_types": onp.promote_types,
          "result_type": onp.result_type}
# MXNet's internal submodules of mx.np
SUBMODULES = ("arrayprint", "fallback", "fallback_linalg", "function_base", "io",
              "multiarray", "stride_tricks", "utils")


def _in_graph(values: Iterable[Any]) -> bool:
    for v in values:
        if isinstance(v, ndarray) and v._value is not None:
            return True
        if isinstance(v, (list, tuple)) and _in_graph(v):
            return True
    return False


def _to_host(value: Any) -> Any:
    if hasattr(value, "_data") and hasattr(value, "asnumpy"):
        return value._data
    if isinstance(value, list):
        return [_to_host(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_to_host(v) for v in value)
    return value


def _to_device(value: Any) -> Any:
    if isinstance(value, onp.ndarray):
        return ndarray._wrap(value)
    if isinstance(value, list):
        return [_to_device(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_to_device(v) for v in value)
    return value


def host_function(name: str, fn: Callable, where: str = "mx.np") -> Callable:
    """`fn` (a NumPy function) on mx.np arrays, computed on the host."""
    def fallback(*args, **kwargs):
        if STATE.recording and _in_graph(list(args) + list(kwargs.values())):
            raise NonDifferentiableError(
                "%s.%s is computed on the host by NumPy (a fallback, as in MXNet) and is not "
                "differentiable; call it outside autograd.record() or on detached arrays"
                % (where, name))
        try:
            result = fn(*_to_host(args), **{k: _to_host(v) for k, v in kwargs.items()})
        except (TypeError, ValueError, IndexError):
            raise
        except Exception as err:  # noqa: BLE001  (NumPy's other failures, one error kind)
            raise MXNetError("%s.%s failed in NumPy: %s: %s"
                             % (where, name, type(err).__name__, err)) from None
        return _to_device(result)
    fallback.__name__ = name
    fallback.__doc__ = ("NumPy's `%s` on mx.np arrays (computed on the host, not "
                        "differentiable)." % name)
    return fallback


def install(namespace: dict) -> None:
    """Bind the fallbacks missing from `namespace` (the mx.np module's globals)."""
    for name in FALLBACK_FUNCTIONS:
        target = getattr(onp, name, None) or getattr(onp, _RENAMED.get(name, ""), None)
        if name not in namespace and target is not None:
            namespace[name] = host_function(name, target)
    for name, value in VALUES.items():
        namespace.setdefault(name, value)
    for name in FINANCIAL:
        namespace.setdefault(name, not_implemented(
            "mx.np." + name, "NumPy's financial functions moved to the numpy_financial "
            "package, which tapegraph does not depend on"))
    for name in SUBMODULES:
        namespace.setdefault(name, not_implemented(
            "mx.np." + name, "it is an internal module of MXNet's NumPy frontend; use the "
            "functions of mx.np directly"))
    namespace.setdefault("may_share_memory", host_function("may_share_memory",
                                                           onp.may_share_memory))
    namespace.setdefault("shares_memory", host_function("shares_memory", onp.shares_memory))

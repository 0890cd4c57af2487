"""NumPy functions MXNet 1.9.1's `mx.np` serves on the host (its "fallback" operators) or as
separate operators, and how tapegraph serves them:

- where the result is differentiable (piecewise), as a traced composition of registered
  operators (traced_layout, _math, _stats, _poly, _select, _functional): it records under
  autograd.record(), differentiates to any order and appears in exported symbols;
- the others (integer, set, index, histogram and window functions, fits and roots) run on
  the host: mx.np arrays go in as NumPy arrays, array results come back as mx.np arrays.
  Inside autograd.record() on arrays of the graph, a result that is integer or boolean, or
  that MXNet 1.9.1 also returns while recording (its own operators: unique, bincount,
  histogram, ...), is constant data (no gradient flows, as MXNet's). A float result MXNet
  refuses to compute while recording (polyfit, roots, histogram bin edges, ...)
  raises NonDifferentiableError instead of silently dropping the gradient."""
from __future__ import annotations

import sys

from typing import Any, Callable, Iterable

import numpy as onp

from ..trace import host_reads
from ..trace.tape import STATE
from ..ir.errors import MXNetError, NonDifferentiableError
from ..unsupported import not_implemented
from .ndarray import ndarray
from .traced_common import TRACED
from . import (traced_functional, traced_layout, traced_math, traced_poly,  # noqa: F401
               traced_select, traced_stats)  # (they fill TRACED)

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
# host functions MXNet 1.9.1 computes while recording (they are its operators there): their
# results are constant data inside autograd.record()
RECORDS_AS_CONSTANT = frozenset((
    "bincount", "bitwise_and", "bitwise_not", "bitwise_or", "bitwise_xor", "blackman",
    "diag_indices_from", "genfromtxt", "hamming", "hanning", "histogram", "indices", "invert",
    "isneginf", "isposinf", "lcm", "sometrue", "unique", "unravel_index"))


def _bincount(x, weights=None, minlength=0):
    counts = onp.bincount(x, weights, minlength)
    weights = None if weights is None else onp.asarray(weights)
    return counts if weights is None or weights.dtype.kind != "f" else \
        counts.astype(weights.dtype)


def _window(fn: Callable) -> Callable:
    def window(M, dtype=onp.float32, ctx=None):
        return fn(M).astype(dtype)
    return window


def _indices(dimensions, dtype=onp.int32, ctx=None):
    return onp.indices(dimensions, dtype=dtype)


def _float64_edges(fn: Callable) -> Callable:
    def histogram(*args, **kwargs):
        hist, *edges = fn(*args, **kwargs)
        edges = [e.astype(onp.float64) if isinstance(e, onp.ndarray) else
                 [t.astype(onp.float64) for t in e] for e in edges]
        return (hist, *edges)
    return histogram


# NumPy functions adapted to MXNet 1.9.1's dtypes (its operators, or NumPy 1.23's results)
_ADAPTED = {"bincount": _bincount, "blackman": _window(onp.blackman),
            "hamming": _window(onp.hamming), "hanning": _window(onp.hanning),
            "indices": _indices, "histogram2d": _float64_edges(onp.histogram2d),
            "histogramdd": _float64_edges(onp.histogramdd)}
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
# MXNet's internal submodules of mx.np (mx.np itself here, see `install`)
SUBMODULES = ("arrayprint", "fallback", "fallback_linalg", "function_base", "io",
              "multiarray", "stride_tricks", "utils")


def _in_graph(values: Iterable[Any]) -> bool:
    for v in values:
        if isinstance(v, ndarray) and v._value is not None:
            return True
        if isinstance(v, (list, tuple)) and _in_graph(v):
            return True
    return False


def _note_arrays(values: Iterable[Any]) -> None:
    for v in values:
        if hasattr(v, "_data") and hasattr(v, "asnumpy"):
            host_reads.note(v)
        elif isinstance(v, (list, tuple)):
            _note_arrays(v)


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


def _exact_outputs(value: Any) -> bool:
    """True if every array in `value` is integer or boolean (nothing to differentiate)."""
    if isinstance(value, (list, tuple)):
        return all(_exact_outputs(v) for v in value)
    return onp.asarray(value).dtype.kind in "biu" if isinstance(value, (onp.ndarray,
                                                                        onp.generic)) \
        else not isinstance(value, float)


def host_function(name: str, fn: Callable, where: str = "mx.np",
                  constant_in_graph: bool = False) -> Callable:
    """`fn` (a NumPy function) on mx.np arrays, computed on the host. Inside
    autograd.record() on arrays of the graph, an integer or boolean result (or any result
    when `constant_in_graph`) is constant data; another raises NonDifferentiableError."""
    def fallback(*args, **kwargs):
        # computed on the host from the values: a hybridized block runs this forward
        # eagerly after the call that traced it
        _note_arrays(list(args) + list(kwargs.values()))
        in_graph = STATE.recording and _in_graph(list(args) + list(kwargs.values()))
        result = _compute(*args, **kwargs)
        if in_graph and not constant_in_graph and not _exact_outputs(result):
            raise NonDifferentiableError(
                "%s.%s is computed on the host by NumPy (a fallback, as in MXNet) and its "
                "%s result is not differentiable; call it outside autograd.record() or on "
                "detached arrays" % (where, name, _dtypes(result)))
        return _to_device(result)

    def _compute(*args, **kwargs):
        try:
            result = fn(*_to_host(args), **{k: _to_host(v) for k, v in kwargs.items()})
        except (TypeError, ValueError, IndexError):
            raise
        except Exception as err:  # noqa: BLE001  (NumPy's other failures, one error kind)
            raise MXNetError("%s.%s failed in NumPy: %s: %s"
                             % (where, name, type(err).__name__, err)) from None
        return result
    fallback.__name__ = name
    fallback.__doc__ = ("NumPy's `%s` on mx.np arrays (computed on the host, %s)."
                        % (name, "constant data inside autograd.record()" if constant_in_graph
                           else "not differentiable"))
    return fallback


def _dtypes(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_dtypes(v) for v in value)
    return str(onp.asarray(value).dtype)


def install(namespace: dict) -> None:
    """Bind the fallbacks missing from `namespace` (the mx.np module's globals)."""
    for name in FALLBACK_FUNCTIONS:
        if name in namespace:
            continue
        if name in TRACED:
            namespace[name] = TRACED[name]
            continue
        target = _ADAPTED.get(name) or getattr(onp, name, None) or \
            getattr(onp, _RENAMED.get(name, ""), None)
        if target is not None:
            namespace[name] = host_function(name, target,
                                            constant_in_graph=name in RECORDS_AS_CONSTANT)
    for name, value in VALUES.items():
        namespace.setdefault(name, value)
    for name in FINANCIAL:
        namespace.setdefault(name, not_implemented(
            "mx.np." + name, "NumPy's financial functions moved to the numpy_financial "
            "package, which tapegraph does not depend on"))
    # MXNet's implementation modules of mx.np (`from mxnet.numpy.multiarray import
    # ndarray`) are mx.np itself here
    module = sys.modules[namespace["__name__"]]
    for name in SUBMODULES:
        if name not in namespace:
            namespace[name] = module
            sys.modules[module.__name__ + "." + name] = module
    namespace.setdefault("may_share_memory", host_function("may_share_memory",
                                                           onp.may_share_memory))
    namespace.setdefault("shares_memory", host_function("shares_memory", onp.shares_memory))

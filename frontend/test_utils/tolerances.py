"""MXNet's default tolerances by dtype, and the helpers that pick them."""
from __future__ import annotations

import numbers
from typing import Any, Dict, Optional

import numpy as np

_INTS = (np.bool_, np.int8, np.uint8, np.int32, np.uint32, np.int64, np.uint64)


def default_rtols() -> Dict[np.dtype, float]:
    """Default relative tolerance per dtype (float16 1e-2, float32 1e-4, float64 1e-5,
    integers 0)."""
    out = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}
    out.update({np.dtype(t): 0 for t in _INTS})
    return out


def default_atols() -> Dict[np.dtype, float]:
    """Default absolute tolerance per dtype (float16 1e-1, float32 1e-3, float64 1e-20,
    integers 0)."""
    out = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
           np.dtype(np.float64): 1e-20}
    out.update({np.dtype(t): 0 for t in _INTS})
    return out


def default_numeric_eps() -> Dict[np.dtype, float]:
    """Default finite-difference step per float dtype (powers of two)."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def effective_dtype(dat: Any) -> np.dtype:
    """The dtype that decides tolerances for `dat` (its own: there are no TF32 GPUs)."""
    return np.dtype(dat.dtype)


def get_tolerance(dat: Any, tol: Any, default_tol: Dict[np.dtype, float]) -> float:
    """`tol` if a number; else `tol[dtype]` if given, else `default_tol[dtype]`."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    return tol.get(dtype, default_tol[dtype])


def get_tols(x: Any, y: Any, rtol: Any, atol: Any):
    """(rtol, atol) for comparing `x` and `y`: the larger default of their dtypes."""
    if isinstance(x, numbers.Number):
        x = np.array(x)
    if isinstance(y, numbers.Number):
        y = np.array(y)
    return (max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols())),
            max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols())))


def get_atol(atol: Optional[float] = None, dtype=np.dtype(np.float64)) -> float:
    """`atol`, or the default absolute tolerance of `dtype`."""
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_rtol(rtol: Optional[float] = None, dtype=np.dtype(np.float64)) -> float:
    """`rtol`, or the default relative tolerance of `dtype`."""
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_etol(etol: Optional[float] = None) -> float:
    """`etol` (the tolerated fraction of mismatching elements), 0 by default."""
    return 0 if etol is None else etol

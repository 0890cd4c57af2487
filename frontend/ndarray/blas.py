"""`axpy(a, x, y)`: y += a * x in one pass, through the BLAS that NumPy itself loaded.

NumPy has no fused multiply-add over arrays: `y += a * x` is two passes over memory
(a temporary, then the add). An SGD update is that operation on every weight, and on
this machine the second pass is a third of the time of a whole update. The BLAS
routine `?axpy` does it in one pass. NumPy exposes no BLAS calls, so the routine is
found with ctypes in the BLAS library loaded into the process (NumPy's own OpenBLAS
on Linux wheels: `scipy_cblas_saxpy64_` and friends), and used only after a self-test
on small exact values. Elsewhere (no such library, another platform, an unexpected
symbol) `axpy` returns False and the caller does the two NumPy passes; so does it for
arrays it cannot take (not contiguous, not float32/float64, mixed dtypes, overlapping).

The result may differ from `y += a * x` in the last bit (the BLAS may fuse the multiply
and the add, as MXNet's compiled update kernels do).
"""
from __future__ import annotations

import ctypes
import os
from typing import Any, Dict, Optional

import numpy as np

__all__ = ["axpy", "available"]

# symbol prefixes tried in order, with whether the interface takes 64-bit integers
_SYMBOLS = (("scipy_cblas_%saxpy64_", True), ("cblas_%saxpy64_", True),
            ("scipy_cblas_%saxpy", False), ("cblas_%saxpy", False))
_ROUTINES: Optional[Dict[Any, Any]] = None
# Below this many elements NumPy's two passes are faster than the ctypes call (measured:
# 1.9 vs 4.1 us at 4096 float32 elements, 11.8 vs 9.1 us at 65536).
AXPY_MIN = 1 << 15


def _loaded_blas_paths() -> list:
    """Paths of shared libraries mapped into this process that look like a BLAS."""
    try:
        with open("/proc/self/maps", encoding="utf-8") as f:
            paths = {line.split()[-1] for line in f if line.rstrip().endswith(".so")
                     or ".so." in line}
    except OSError:
        return []
    return sorted(p for p in paths if os.path.isabs(p)
                  and any(k in os.path.basename(p).lower() for k in ("openblas", "blas")))


def _bind(lib: Any, kind: str) -> Optional[Any]:
    ctype = ctypes.c_float if kind == "s" else ctypes.c_double
    for pattern, wide in _SYMBOLS:
        fn = getattr(lib, pattern % kind, None)
        if fn is None:
            continue
        integer = ctypes.c_int64 if wide else ctypes.c_int
        fn.restype = None
        fn.argtypes = [integer, ctype, ctypes.c_void_p, integer, ctypes.c_void_p, integer]
        return fn
    return None


def _self_test(fn: Any, dtype: Any) -> bool:
    x = np.arange(7, dtype=dtype)
    y = np.ones(7, dtype=dtype)
    fn(7, 2.0, x.ctypes.data, 1, y.ctypes.data, 1)
    return bool(np.array_equal(y, 1 + 2 * np.arange(7, dtype=dtype)))


def _routines() -> Dict[Any, Any]:
    global _ROUTINES
    if _ROUTINES is None:
        found: Dict[Any, Any] = {}
        if os.environ.get("TAPEGRAPH_NO_BLAS_AXPY") != "1":
            for path in _loaded_blas_paths():
                try:
                    lib = ctypes.CDLL(path)
                    for dtype, kind in ((np.dtype(np.float32), "s"),
                                        (np.dtype(np.float64), "d")):
                        fn = _bind(lib, kind)
                        if fn is not None and dtype not in found and _self_test(fn, dtype):
                            found[dtype] = fn
                except (OSError, AttributeError, TypeError, ValueError):
                    continue
                if found:
                    break
        _ROUTINES = found
    return _ROUTINES


def available(dtype: Any) -> bool:
    """Whether `axpy` runs in one BLAS pass for arrays of `dtype`."""
    return np.dtype(dtype) in _routines()


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> bool:
    """y += a * x in place in one pass, if the BLAS routine takes these arrays (at least
    `AXPY_MIN` elements, same shape and float dtype, C-contiguous, y writeable, no
    overlap); else False and nothing is changed."""
    if x.size < AXPY_MIN:
        return False
    fn = _routines().get(x.dtype)
    if (fn is None or y.dtype != x.dtype or y.shape != x.shape or not y.flags.writeable
            or not (x.flags.c_contiguous and y.flags.c_contiguous)
            or np.may_share_memory(x, y)):
        return False
    fn(x.size, a, x.ctypes.data, 1, y.ctypes.data, 1)
    return True

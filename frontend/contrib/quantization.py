"""`mx.contrib.quantization`: MXNet's int8 quantisation of models. Not provided: the
quantised operators and graph rewrites live in MXNet's C++ backend (MKL-DNN / cuDNN
kernels), so every quantise / calibrate entry point raises NotImplementedError.
`combine_histogram` (NumPy only) and the names MXNet's module re-exports work."""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from ..context import Context, cpu  # noqa: F401  (re-exported, as in MXNet)
from ..io import DataBatch, DataDesc, DataIter  # noqa: F401
from ..module import Module  # noqa: F401
from ..ndarray import NDArray  # noqa: F401
from ..ndarray import load as nd_load  # noqa: F401
from ..ndarray import save as nd_save  # noqa: F401
from ..symbol import Symbol  # noqa: F401
from ..symbol import load as sym_load  # noqa: F401
from ..unsupported import bind_stubs

try:  # MXNet binds scipy.stats (for entropy calibration), None without SciPy
    from scipy import stats
except ImportError:
    stats = None

WHY = "quantised (int8) operators need MXNet's C++ quantisation backend"
bind_stubs(globals(), ("quantize_model", "quantize_model_mkldnn", "quantize_graph",
                       "calib_graph", "quantize_net", "quantize_net_v2"),
           WHY, "mx.contrib.quantization.")


def combine_histogram(old_hist: Tuple[Any, Any, float, float, float], arr: Any,
                      new_min: float, new_max: float, new_th: float) -> tuple:
    """Add the histogram of `arr` to `old_hist` = (hist, edges, min, max, threshold),
    widening its symmetric range (by whole bins on each side) when `new_th` exceeds it."""
    old, old_edges, old_min, old_max, old_th = old_hist
    if new_th <= old_th:
        hist, _ = np.histogram(arr, bins=len(old), range=(-old_th, old_th))
        return (old + hist, old_edges, min(old_min, new_min), max(old_max, new_max), old_th)
    step = 2 * old_th / len(old)
    extra = int((new_th - old_th) // step + 1)
    bins = extra * 2 + len(old)
    new_th = extra * step + old_th
    hist, edges = np.histogram(arr, bins=bins, range=(-new_th, new_th))
    hist[extra:bins - extra] += old
    return (hist, edges, min(old_min, new_min), max(old_max, new_max), new_th)

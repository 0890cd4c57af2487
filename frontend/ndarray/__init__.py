"""`mx.nd`: MXNet's legacy NDArray namespace."""
from __future__ import annotations

import numpy as _np

from .ndarray import NDArray, placed as _placed, recorded_copy as _recorded_copy
from .creation import arange as _arange, make as _make, to_numpy as _to_numpy
from .ops import NAMESPACE as _NAMESPACE
from . import linalg  # noqa: F401  (also adds the linalg_* names)
from . import methods as _methods  # noqa: F401  (nanprod, split_v2 and NDArray methods)
from . import random  # noqa: F401
from . import image  # noqa: F401  (mx.nd.image)
from ..unsupported import check_stype as _check_stype
from .legacy_random import *  # noqa: F401,F403  (random_*, sample_*, uniform, normal)
from .serialize import save, load  # noqa: F401
from . import sparse  # noqa: F401
from .sparse import cast_storage  # noqa: F401

globals().update(_NAMESPACE)


def array(source_array, ctx=None, dtype=None) -> NDArray:
    """An NDArray holding a copy of `source_array` (float32 unless `dtype` is given).
    A SciPy sparse matrix raises NotImplementedError (MXNet would make a CSRNDArray)."""
    if hasattr(source_array, "tocsr") and hasattr(source_array, "nnz"):
        _check_stype("csr", "array(scipy.sparse matrix)")
    copy = _recorded_copy(source_array, dtype, NDArray)
    if copy is not None:
        return _placed(copy, ctx)
    return _placed(NDArray._wrap(_to_numpy(source_array, dtype, NDArray)), ctx)


def zeros(shape, ctx=None, dtype=None, **kwargs) -> NDArray:
    """An array of zeros (float32 by default)."""
    _check_stype(kwargs.pop("stype", None), "zeros")
    return _placed(_make(NDArray, 0, shape, dtype), ctx)


def ones(shape, ctx=None, dtype=None, **kwargs) -> NDArray:
    """An array of ones (float32 by default)."""
    _check_stype(kwargs.pop("stype", None), "ones")
    return _placed(_make(NDArray, 1, shape, dtype), ctx)


def full(shape, val, ctx=None, dtype=None, **kwargs) -> NDArray:
    """An array filled with `val`."""
    _check_stype(kwargs.pop("stype", None), "full")
    return _placed(_make(NDArray, val, shape, dtype), ctx)


def empty(shape, ctx=None, dtype=None, stype=None) -> NDArray:
    """An uninitialised array (zeros here)."""
    _check_stype(stype, "empty")
    return _placed(_make(NDArray, "empty", shape, dtype), ctx)


def arange(start, stop=None, step=1.0, repeat=1, ctx=None, dtype=None, **kw) -> NDArray:
    """Evenly spaced values in [start, stop)."""
    return _placed(_arange(NDArray, start, stop, step, repeat, dtype), ctx)


def from_numpy(array_, zero_copy=False) -> NDArray:
    return NDArray._wrap(_np.array(array_, copy=not zero_copy))

from .ctc import CTCLoss, ctc_loss  # noqa: E402,F401  (composed of the functions above)

from . import contrib  # noqa: E402,F401
from . import unprovided as _unprovided  # noqa: E402
from . import update_ops as _update_ops, update_multi as _update_multi  # noqa: E402

_update_ops.install(globals(), vars(contrib))
_update_multi.install(globals(), vars(contrib))
_unprovided.install(globals())


# MXNet's ndarray-level NumPy modules: mx.nd.np is mx.nd.numpy, mx.nd.npx is
# mx.nd.numpy_extension, holding the functions mx.np / mx.npx are made of (they take and
# return mx.np.ndarrays). Here they are mx.np and mx.npx themselves, which are built on
# mx.nd, so they are loaded on first use.
_NUMPY_MODULES = {"np": "numpy", "numpy": "numpy", "npx": "numpy_extension",
                  "numpy_extension": "numpy_extension"}


def __getattr__(name: str):
    if name not in _NUMPY_MODULES:
        raise AttributeError("module 'tapegraph.ndarray' has no attribute %r" % name)
    if _NUMPY_MODULES[name] == "numpy":
        from .. import numpy as module
    else:
        from .. import numpy_extension as module
    globals()[name] = module
    return module


def __dir__():
    return sorted(set(globals()) | set(_NUMPY_MODULES))

"""`mx.np.linalg`: `norm` (traced, differentiable) and NumPy's other linear-algebra
functions as host fallbacks (not differentiable: under `autograd.record()` on arrays of
the graph they raise NonDifferentiableError; the IR registers no factorisation operators
with gradient rules yet)."""
from __future__ import annotations

import numpy as _onp

from .fallback import host_function
from .library import norm

_HOST = ("cholesky", "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq",
         "matrix_power", "matrix_rank", "multi_dot", "pinv", "qr", "slogdet", "solve", "svd",
         "tensorinv", "tensorsolve")
for _name in _HOST:
    globals()[_name] = host_function(_name, getattr(_onp.linalg, _name), "mx.np.linalg")

__all__ = ["norm"] + list(_HOST)

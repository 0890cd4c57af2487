"""`mx.sym.linalg`: every MXNet 1.9.1 linalg operator as a Symbol (`mx.sym.linalg.potrf(x)`
makes an `_linalg_potrf` node named `potrf0`, as MXNet does), from the registered operators
of tapegraph/ir/ops/factor.py and factor_blas.py; JSON names them as MXNet does."""
from __future__ import annotations

from .api.op_functions import prefixed_getattr

NAMES = ("det", "extractdiag", "extracttrian", "gelqf", "gemm", "gemm2", "inverse",
         "makediag", "maketrian", "potrf", "potri", "slogdet", "sumlogdiag", "syevd", "syrk",
         "trmm", "trsm")


__getattr__ = prefixed_getattr(__name__, "_linalg_", NAMES)

__all__ = list(NAMES)

"""`mx.sym.linalg`: every MXNet 1.9.1 linalg operator as a Symbol (`mx.sym.linalg.potrf(x)`
makes an `_linalg_potrf` node named `potrf0`, as MXNet does), from the registered operators
of tapegraph/ir/ops/factor.py and factor_blas.py; JSON names them as MXNet does."""
from __future__ import annotations

from .api.op_functions import make_op_function

NAMES = ("det", "extractdiag", "extracttrian", "gelqf", "gemm", "gemm2", "inverse",
         "makediag", "maketrian", "potrf", "potri", "slogdet", "sumlogdiag", "syevd", "syrk",
         "trmm", "trsm")


def __getattr__(name: str):
    if name in NAMES:
        return make_op_function(name, "_linalg_" + name)
    raise AttributeError("module 'tapegraph.symbol.linalg' has no attribute %r (tapegraph "
                         "provides %s)" % (name, ", ".join(NAMES)))


__all__ = list(NAMES)

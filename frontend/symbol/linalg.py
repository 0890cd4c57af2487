"""`mx.sym.linalg`: the factorisations and solves as Symbols (`mx.sym.linalg.potrf(x)`
makes an `_linalg_potrf` node named `potrf0`, as MXNet does). gemm, gemm2, syrk, trmm and
the diagonal/triangle helpers are compositions in mx.nd.linalg, not IR operators: they are
not available as Symbols."""
from __future__ import annotations

from .api.op_functions import make_op_function

NAMES = ("det", "gelqf", "inverse", "potrf", "potri", "slogdet", "syevd", "trsm")


def __getattr__(name: str):
    if name in NAMES:
        return make_op_function(name, "_linalg_" + name)
    raise AttributeError("module 'tapegraph.symbol.linalg' has no attribute %r (tapegraph "
                         "provides %s)" % (name, ", ".join(NAMES)))


__all__ = list(NAMES)

"""`mx.nd.linalg`: MXNet's linear-algebra operators, each a registered operator: the
products and diagonal/triangle helpers (gemm, gemm2, syrk, trmm, sumlogdiag, extractdiag,
makediag, extracttrian, maketrian: tapegraph/ir/ops/factor_blas.py) and the factorisations
and solves (potrf, potri, trsm, inverse, det, slogdet, gelqf, syevd: ir/ops/factor.py).
All have gradients of every order."""
from __future__ import annotations

from typing import List


from ..ir import get_op
from ..ir.errors import MXNetError
from ..trace.invoke import invoke
from .ndarray import NDArray
from .ops import NAMESPACE, _finish

_nd = NAMESPACE


def _check(*arrays: NDArray) -> None:
    for a in arrays:
        if not isinstance(a, NDArray) or a.ndim < 2:
            raise MXNetError("linalg: inputs must be NDArrays of matrices (ndim >= 2), got %r"
                             % (getattr(a, "shape", type(a).__name__),))


def _axis(axis: int) -> None:
    if axis not in (-2,):
        raise NotImplementedError("linalg: only axis=-2 (matrices in the last two axes) is "
                                  "implemented in tapegraph")


def gemm2(A, B, transpose_a=False, transpose_b=False, alpha=1.0, axis=-2, out=None, **kw):
    """alpha * op(A) . op(B) over the last two axes."""
    _check(A, B)
    _axis(axis)
    return _call("_linalg_gemm2", [A, B], {"transpose_a": bool(transpose_a),
                                           "transpose_b": bool(transpose_b),
                                           "alpha": float(alpha)}, out)


def gemm(A, B, C, transpose_a=False, transpose_b=False, alpha=1.0, beta=1.0, axis=-2,
         out=None, **kw):
    """alpha * op(A) . op(B) + beta * C."""
    _check(A, B, C)
    _axis(axis)
    return _call("_linalg_gemm", [A, B, C], {"transpose_a": bool(transpose_a),
                                             "transpose_b": bool(transpose_b),
                                             "alpha": float(alpha), "beta": float(beta)}, out)


def syrk(A, transpose=False, alpha=1.0, out=None, **kw):
    """alpha * A . A^T (or A^T . A when `transpose`)."""
    _check(A)
    return _call("_linalg_syrk", [A], {"transpose": bool(transpose), "alpha": float(alpha)},
                 out)


def trmm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0, out=None, **kw):
    """alpha * op(tri(A)) . B (or B . op(tri(A)) when `rightside`), tri(A) the lower (or
    upper) triangle of A."""
    _check(A, B)
    return _call("_linalg_trmm", [A, B], {"transpose": bool(transpose),
                                          "rightside": bool(rightside),
                                          "lower": bool(lower), "alpha": float(alpha)}, out)


def extractdiag(A, offset=0, out=None, **kw):
    """The `offset` diagonal of each matrix."""
    _check(A)
    return _call("_linalg_extractdiag", [A], {"offset": int(offset)}, out)


def sumlogdiag(A, out=None, **kw):
    """sum(log(diag(A))) of each square matrix."""
    _check(A)
    return _call("_linalg_sumlogdiag", [A], out=out)


def makediag(A, offset=0, out=None, **kw):
    """Square matrices with A's last axis on the `offset` diagonal."""
    if not isinstance(A, NDArray):
        raise MXNetError("makediag: A must be an NDArray")
    return _call("_linalg_makediag", [A], {"offset": int(offset)}, out)


def extracttrian(A, offset=0, lower=True, out=None, **kw):
    """The lower (or upper) triangle of each square matrix, packed into a vector."""
    _check(A)
    return _call("_linalg_extracttrian", [A], {"offset": int(offset), "lower": bool(lower)},
                 out)


def maketrian(A, offset=0, lower=True, out=None, **kw):
    """Triangular matrices from packed triangles (the inverse of `extracttrian`)."""
    if not isinstance(A, NDArray):
        raise MXNetError("maketrian: A must be an NDArray")
    return _call("_linalg_maketrian", [A], {"offset": int(offset), "lower": bool(lower)},
                 out)


def _call(opname: str, arrays, attrs=None, out=None):
    """Run the registered operator `opname`; multi-output operators give a list."""
    res = invoke(get_op(opname), list(arrays), attrs or {})
    if isinstance(res, tuple):
        if out is not None:
            raise MXNetError("linalg: out= is not supported for multi-output operators")
        return list(res)
    return _finish(res, out)


def potrf(A, out=None, **kw):
    """The lower-triangular Cholesky factor L of each symmetric positive-definite matrix
    (A = L L^T; only A's lower triangle is read)."""
    _check(A)
    return _call("_linalg_potrf", [A], out=out)


def potri(A, out=None, **kw):
    """(L L^T)^-1 from each lower-triangular Cholesky factor L."""
    _check(A)
    return _call("_linalg_potri", [A], out=out)


def trsm(A, B, transpose=False, rightside=False, lower=True, alpha=1.0, out=None, **kw):
    """Solves op(tri(A)) X = alpha B (or X op(tri(A)) = alpha B when `rightside`)."""
    _check(A, B)
    return _call("_linalg_trsm", [A, B], {"transpose": bool(transpose),
                                          "rightside": bool(rightside),
                                          "lower": bool(lower), "alpha": float(alpha)}, out)


def inverse(A, out=None, **kw):
    """The inverse of each square matrix."""
    _check(A)
    return _call("_linalg_inverse", [A], out=out)


def det(A, out=None, **kw):
    """The determinant of each square matrix (shape (1,) for a single matrix)."""
    _check(A)
    return _call("_linalg_det", [A], out=out)


def slogdet(A, out=None, **kw):
    """[sign, log|det|] of each square matrix."""
    _check(A)
    return _call("_linalg_slogdet", [A], out=out)


def gelqf(A, out=None, **kw):
    """[Q, L] with A = L Q: Q's rows orthonormal, L lower triangular."""
    _check(A)
    return _call("_linalg_gelqf", [A], out=out)


def syevd(A, out=None, **kw):
    """[U, lam]: ascending eigenvalues of each symmetric matrix and the eigenvectors as the
    rows of U (A = U^T diag(lam) U)."""
    _check(A)
    return _call("_linalg_syevd", [A], out=out)


def khatri_rao(*args, out=None, **kw):
    """The column-wise Kronecker product of matrices A_i of shape (M_i, N): shape
    (M_1 ... M_n, N), column k the outer product of the k-th columns (`mx.nd.khatri_rao`;
    a composition of broadcast products, so unlike MXNet's it is differentiable)."""
    if not args:
        raise MXNetError("khatri_rao: needs at least one input matrix")
    for a in args:
        if not isinstance(a, NDArray) or a.ndim != 2:
            raise MXNetError("khatri_rao: inputs must be 2-D NDArrays, got %r"
                             % (getattr(a, "shape", type(a).__name__),))
        if a.shape[1] != args[0].shape[1]:
            raise MXNetError("khatri_rao: every matrix must have %d columns, got shape %s"
                             % (args[0].shape[1], a.shape))
    res, n = _nd["identity"](args[0]), args[0].shape[1]  # a new array even for one input
    for a in args[1:]:
        m1, m2 = res.shape[0], a.shape[0]
        res = _nd["broadcast_mul"](res.reshape((m1, 1, n)), a.reshape((1, m2, n)))
        res = res.reshape((m1 * m2, n))
    return _finish(res, out)


NAMESPACE.setdefault("khatri_rao", khatri_rao)

NAMES: List[str] = ["det", "extractdiag", "extracttrian", "gelqf", "gemm", "gemm2",
                    "inverse", "makediag", "maketrian", "potrf", "potri", "slogdet",
                    "sumlogdiag", "syevd", "syrk", "trmm", "trsm"]
for _name in NAMES:
    if _name != "gemm2" and _name != "syevd":
        NAMESPACE.setdefault("linalg_" + _name, globals()[_name])

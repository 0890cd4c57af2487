"""`mx.np.linalg`. Traced and differentiable to any order: `norm`, and on float32/float64
matrices `inv`, `det`, `slogdet`, `cholesky`, `eigh`, `eigvalsh`, `qr` (tall or square,
mode 'reduced'), `solve` and `matrix_power`, which share mx.nd.linalg's registered
operators (tapegraph/ir/ops/factor.py: inverse, det, slogdet, potrf, syevd, gelqf).
NumPy's other linear-algebra functions, and these on other inputs, are host fallbacks
(not differentiable: under `autograd.record()` on arrays of the graph they raise
NonDifferentiableError).

Differences from MXNet 1.9.1, deliberate: its `eigh`/`eigvalsh` gradients are zero and its
`qr` has no gradient (it raises); here they are the derivatives. `eigh`'s eigenvectors
follow MXNet's signs (each column's largest-magnitude entry positive)."""
from __future__ import annotations

import numpy as _onp

from .fallback import host_function
from .library import _op, arr, expand_dims, matmul, norm, squeeze

_HOST = ("cholesky", "cond", "det", "eig", "eigh", "eigvals", "eigvalsh", "inv", "lstsq",
         "matrix_power", "matrix_rank", "multi_dot", "pinv", "qr", "slogdet", "solve", "svd",
         "tensorinv", "tensorsolve")
_host = {name: host_function(name, getattr(_onp.linalg, name), "mx.np.linalg")
         for name in _HOST}
for _name in _HOST:
    globals()[_name] = _host[_name]


def _traced(a) -> bool:
    """Whether `a` is a float32/float64 array of matrices (the operators' domain)."""
    return (hasattr(a, "ndim") and a.ndim >= 2
            and _onp.dtype(a.dtype).name in ("float32", "float64"))


def _t(x):
    n = x.ndim
    return _op("transpose", [x], {"axes": tuple(range(n - 2)) + (n - 1, n - 2)})


def _batch(x, a):
    """A (1,)-shaped result of a single matrix as NumPy's 0-d one."""
    return _op("Reshape", [x], {"shape": a.shape[:-2]}) if a.ndim == 2 else x


def inv(a):
    """The inverse of each square matrix."""
    if not _traced(a):
        return _host["inv"](a)
    return _op("_linalg_inverse", [arr(a)])


def det(a):
    """The determinant of each square matrix."""
    if not _traced(a):
        return _host["det"](a)
    return _batch(_op("_linalg_det", [arr(a)]), a)


def slogdet(a):
    """(sign, log|det|) of each square matrix."""
    if not _traced(a):
        return _host["slogdet"](a)
    sign, logabs = _op("_linalg_slogdet", [arr(a)])
    return _batch(sign, a), _batch(logabs, a)


def cholesky(a):
    """The lower-triangular Cholesky factor of each symmetric positive-definite matrix
    (only the lower triangle is read)."""
    if not _traced(a):
        return _host["cholesky"](a)
    return _op("_linalg_potrf", [arr(a)])


def _syevd(a, UPLO):
    if UPLO not in ("L", "U"):
        raise ValueError("UPLO argument must be 'L' or 'U'")
    a = arr(a)
    return _op("_linalg_syevd", [a if UPLO == "L" else _t(a)])


def eigh(a, UPLO="L"):
    """(w, v): ascending eigenvalues of each symmetric matrix and the eigenvectors as the
    columns of v."""
    if not _traced(a):
        return _host["eigh"](a, UPLO=UPLO)
    u, lam = _syevd(a, UPLO)
    return lam, _t(u)


def eigvalsh(a, UPLO="L"):
    """The ascending eigenvalues of each symmetric matrix."""
    if not _traced(a):
        return _host["eigvalsh"](a, UPLO=UPLO)
    return _syevd(a, UPLO)[1]


def qr(a, mode="reduced"):
    """(q, r) with a = q r, q's columns orthonormal and r upper triangular (LAPACK's
    signs); traced for tall or square matrices in mode 'reduced'."""
    if not _traced(a) or mode != "reduced" or a.shape[-2] < a.shape[-1]:
        return _host["qr"](a, mode=mode)
    q, l_ = _op("_linalg_gelqf", [_t(arr(a))])
    return _t(q), _t(l_)


def solve(a, b):
    """x with a x = b for each square matrix a: b a matrix of right-hand sides, or (when
    b.ndim == a.ndim - 1) a vector. Traced as inv(a) b on the shared inverse operator."""
    if not _traced(a) or not _traced_rhs(b, a):
        return _host["solve"](a, b)
    a, b = arr(a), arr(b)
    if b.ndim == a.ndim - 1:
        return squeeze(matmul(inv(a), expand_dims(b, -1)), -1)
    return matmul(inv(a), b)


def _traced_rhs(b, a) -> bool:
    return (hasattr(b, "ndim") and b.ndim >= a.ndim - 1 and b.ndim >= 1
            and _onp.dtype(b.dtype) == _onp.dtype(a.dtype))


def matrix_power(a, n):
    """a multiplied by itself n times (the identity for n = 0, powers of the inverse for a
    negative n), by repeated squaring on the traced matrix product and inverse."""
    if not _traced(a) or a.shape[-1] != a.shape[-2] or int(n) != n:
        return _host["matrix_power"](a, n)
    a, n = arr(a), int(n)
    if n == 0:
        eye = _onp.broadcast_to(_onp.eye(a.shape[-1], dtype=a.dtype), a.shape)
        return arr(_onp.array(eye))
    base, result = (inv(a) if n < 0 else a), None
    n = abs(n)
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return _op("_copy", [result]) if result is a else result  # a new array, as MXNet's


__all__ = ["norm"] + list(_HOST)

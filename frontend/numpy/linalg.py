"""`mx.np.linalg`. Traced and differentiable to any order: `norm`, and on float32/float64
matrices `inv`, `det`, `slogdet`, `cholesky`, `eigh`, `eigvalsh`, `qr` (tall or square,
mode 'reduced'), `solve` and `matrix_power`, which share mx.nd.linalg's registered
operators (tapegraph/ir/ops/factor.py: inverse, det, slogdet, potrf, syevd, gelqf), and
`svd`, `pinv`, `lstsq`, `matrix_rank` and the matrix norms ord=2/-2/'nuc' on the SVD
operator (ir/ops/svd.py; see docs/numpy-fallbacks.md for where they go beyond MXNet).
NumPy's other linear-algebra functions, and these on other inputs, are host fallbacks
(not differentiable: under `autograd.record()` on arrays of the graph they raise
NonDifferentiableError).

Differences from MXNet 1.9.1, deliberate: its `eigh`/`eigvalsh` gradients are zero and its
`qr` has no gradient (it raises); here they are the derivatives. `eigh`'s eigenvectors
follow MXNet's signs (each column's largest-magnitude entry positive)."""
from __future__ import annotations

import numpy as _onp

from ..trace import host_reads
from .fallback import host_function
from .library import _op, arr, expand_dims, matmul, squeeze
from .library import norm as _library_norm

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


def _svd(a):
    """(ut, s, v) of each matrix, a = ut diag(s) v; a tall matrix (M > N) through the SVD
    of its transpose: ut (..., M, N), v (..., N, N)."""
    a = arr(a)
    if a.shape[-2] <= a.shape[-1]:
        return tuple(_op("_linalg_svd", [a]))
    ut, s, v = _op("_linalg_svd", [_t(a)])
    return _t(v), s, _t(ut)


def svd(a):
    """(ut, s, v) with a = ut @ diag(s) @ v (MXNet's np.linalg.svd): s descending, ut
    (..., M, M) and v (..., M, N) orthonormal, each row of v with its largest-magnitude
    entry positive. MXNet refuses M > N; here a tall matrix gives NumPy's reduced shapes
    (ut (..., M, N), v (..., N, N)) from the SVD of its transpose."""
    if not _traced(a):
        return _host["svd"](a)
    return _svd(a)


def _kept(s, cutoff):
    """1.0 where a singular value exceeds `cutoff` (broadcast against s), else 0.0: a mask
    in the graph (no gradient flows through it)."""
    cut = _op("broadcast_to", [cutoff], {"shape": s.shape})
    return _op("_greater", [s, cut])


def _relative(s, rcond):
    """rcond times each stack's largest singular value (s is descending)."""
    first = _op("slice_axis", [s], {"axis": -1, "begin": 0, "end": 1})
    return _op("_mul_scalar", [first], {"scalar": float(rcond)})


def _inverse_values(s, mask):
    """1/s where `mask`, 0 elsewhere (the zero singular values stay finite)."""
    ones = _op("ones_like", [mask])
    safe = _op("elemwise_add", [s, _op("elemwise_sub", [ones, mask])])
    return _op("elemwise_mul", [mask, _op("reciprocal", [safe])])


def _pinv(a, cutoff_of):
    ut, s, v = _svd(a)
    sinv = _inverse_values(s, _kept(s, cutoff_of(s)))
    scaled = _op("elemwise_mul", [_t(v), _op("broadcast_to", [expand_dims(sinv, -2)],
                                             {"shape": v.shape[:-2] + v.shape[-1:]
                                              + v.shape[-2:-1]})])
    return matmul(scaled, _t(ut)), s


def pinv(a, rcond=1e-15, hermitian=False):
    """The Moore-Penrose pseudo-inverse of each matrix, from its SVD with singular values
    <= rcond * the largest one dropped. Traced for float32/float64 matrices and a number
    `rcond` (MXNet's gradient is zero; here it is the derivative)."""
    if not _traced(a) or hermitian or not isinstance(rcond, (int, float)):
        return _host["pinv"](a, rcond=rcond, hermitian=hermitian)
    return _pinv(a, lambda s: _relative(s, rcond))[0]


def matrix_rank(M, tol=None, hermitian=False):
    """The number of singular values of each matrix above `tol` (default: the largest
    times max(M, N) times the dtype's epsilon): an int64 array, or for a single matrix a
    NumPy int64 (as MXNet returns)."""
    if not _traced(M) or hermitian or not (tol is None or isinstance(tol, (int, float))):
        return _host["matrix_rank"](M, tol=tol, hermitian=hermitian)
    s = _svd(M)[1]
    if tol is None:
        cut = _relative(s, max(M.shape[-2:]) * _onp.finfo(M.dtype).eps)
    else:
        first = _op("ones_like", [_op("slice_axis", [s], {"axis": -1, "begin": 0, "end": 1})])
        cut = _op("_mul_scalar", [first], {"scalar": float(tol)})
    count = _op("Cast", [_op("sum", [_kept(s, cut)], {"axis": -1})], {"dtype": "int64"})
    if M.ndim != 2:
        return count
    host_reads.note(count)  # a NumPy scalar, as MXNet's: a value read on the host
    return _onp.int64(count._data)


def lstsq(a, b, rcond="warn"):
    """(x, residuals, rank, s): the least-squares solution x = pinv(a) b of a 2-D `a`, the
    squared residual norms (when rank == N < M, else empty), the rank (a NumPy int32, as
    MXNet's) and a's singular values. x, residuals and s are traced on the SVD."""
    if (not _traced(a) or a.ndim != 2 or not _traced_rhs(b, a) or b.ndim > 2
            or b.shape[0] != a.shape[0]
            or not (rcond in ("warn", None) or isinstance(rcond, (int, float)))):
        return _host["lstsq"](a, b, rcond=rcond)
    a, b = arr(a), arr(b)
    m, n = a.shape
    eps = _onp.finfo(a.dtype).eps
    ratio = eps * max(m, n) if rcond is None else eps if rcond == "warn" or rcond < eps \
        else float(rcond)
    inv, s = _pinv(a, lambda sv: _relative(sv, ratio))
    rhs = b if b.ndim == 2 else expand_dims(b, -1)
    x = matmul(inv, rhs)
    host_reads.note(s)  # the rank (and so the residuals' shape) is read on the host
    host_s = _onp.asarray(s._data)
    rank = _onp.int32(_onp.sum(host_s > ratio * host_s[0]) if host_s.size else 0)
    if rank == n and m > n:
        r = _op("elemwise_sub", [rhs, matmul(a, x)])
        residuals = _op("sum", [_op("square", [r])], {"axis": 0})
    else:
        residuals = arr(_onp.zeros((0,), a.dtype))
    return (x if b.ndim == 2 else squeeze(x, -1)), residuals, rank, s


def _spectral(x, ord, axis, keepdims):
    """ord 2 / -2 / 'nuc' of the matrices in `axis` (two axes) of x."""
    x = arr(x)
    r, c = (int(ax) % x.ndim for ax in axis)
    rest = [i for i in range(x.ndim) if i not in (r, c)]
    moved = _op("transpose", [x], {"axes": tuple(rest) + (r, c)})
    s = _svd(moved)[1]
    if ord == "nuc":
        out = _op("sum", [s], {"axis": -1})
    else:
        k = s.shape[-1]
        pick = 0 if ord == 2 else k - 1
        out = squeeze(_op("slice_axis", [s], {"axis": -1, "begin": pick, "end": pick + 1}),
                      -1)
    if keepdims:
        shape = list(x.shape)
        shape[r] = shape[c] = 1
        out = _op("Reshape", [out], {"shape": tuple(shape)})
    return out


def norm(x, ord=None, axis=None, keepdims=False):  # noqa: F811  (extends library.norm)
    """Vector and matrix norms; the matrix norms ord=2 (largest singular value), -2
    (smallest) and 'nuc' (their sum) are traced on the SVD (MXNet refuses a tall matrix
    for them; here it is fine), the others on the `norm` operator."""
    matrix_axes = axis is None and getattr(x, "ndim", 0) == 2 or \
        isinstance(axis, (tuple, list)) and len(axis) == 2
    if ord in (2, -2, "nuc") and matrix_axes and _traced(x):
        return _spectral(x, ord, (-2, -1) if axis is None else axis, keepdims)
    return _library_norm(x, ord=ord, axis=axis, keepdims=keepdims)


__all__ = ["norm"] + list(_HOST)

"""MXNet's linear-algebra factorisations and solves (la_op.cc), batched over leading axes:
`_linalg_potrf` (Cholesky), `_linalg_potri` (inverse from a Cholesky factor), `_linalg_trsm`
(triangular solve), `_linalg_inverse`, `_linalg_det`, `_linalg_slogdet`, `_linalg_gelqf`
(LQ) and `_linalg_syevd` (symmetric eigendecomposition), plus `_linalg_tril`, the
triangle mask their gradients use (its own adjoint; MXNet's `_npi_tril`).

Every gradient rule is built from these operators and the ordinary ones (dot/batch_dot,
transpose, element-wise), so gradients go to any order: inverse's rule uses inverse,
potrf's uses trsm, trsm's uses trsm, syevd's uses syevd's own outputs. Like MXNet (LAPACK),
potrf and syevd read only the lower triangle of A and their gradients are MXNet's
symmetric ones (right for symmetric perturbations); potri and trsm read one triangle of
their factor and their gradients are zero on the other.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import MXNetError, ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape

_FLOATS = ("float32", "float64")


def _matrices(t, op, square=True):
    if t.ndim < 2:
        raise ShapeError("%s: input must have at least 2 dimensions (matrices in the last "
                         "two axes), got shape %s" % (op, fmt_shape(t.shape)))
    if square and t.shape[-1] != t.shape[-2]:
        raise ShapeError("%s: matrices must be square, got shape %s" % (op, fmt_shape(t.shape)))
    if t.dtype not in _FLOATS:
        raise ShapeError("%s: only floating-point inputs are supported, got %s" % (op, t.dtype))


def _square(op):
    def rule(ins, attrs):
        _matrices(ins[0], op)
        return [ins[0]]
    return rule


def _lapack(op, fn, *args):
    try:
        return fn(*args)
    except np.linalg.LinAlgError as e:
        raise MXNetError("%s: %s (LAPACK failed on the input)" % (op, e)) from None


def _t(x):
    return np.swapaxes(x, -1, -2)


# ---------------------------------------------------------------- graph helpers for rules

def T(b, v):
    """The transpose of the last two axes."""
    n = v.type.ndim
    return b.op("transpose", v, axes=tuple(range(n - 2)) + (n - 1, n - 2))


def mm(b, x, y, ta=False, tb=False):
    """op(x) . op(y) over the last two axes (batched over the leading ones)."""
    if x.type.ndim == 2:
        return b.op("dot", x, y, transpose_a=ta, transpose_b=tb)
    lead = x.type.shape[:-2]
    x3 = b.op("Reshape", x, shape=(-1,) + x.type.shape[-2:])
    y3 = b.op("Reshape", y, shape=(-1,) + y.type.shape[-2:])
    out = b.op("batch_dot", x3, y3, transpose_a=ta, transpose_b=tb)
    return b.op("Reshape", out, shape=lead + out.type.shape[-2:])


def scale(b, v, s):
    return v if s == 1.0 else b.op("_mul_scalar", v, scalar=float(s))


def add(b, x, y):
    return b.op("elemwise_add", x, y)


def tril(b, v, k=0, lower=True):
    """v's lower triangle (on and below diagonal k), or its upper one (on and above k)."""
    if lower:
        return b.op("_linalg_tril", v, k=k)
    return T(b, b.op("_linalg_tril", T(b, v), k=-k))


def copy_ltu(b, m):
    """The symmetric matrix with m's lower triangle (MXNet's copyLTU)."""
    return add(b, tril(b, m), T(b, tril(b, m, -1)))


def _zeros_if_none(b, g, like):
    return g if g is not None else b.op("zeros_like", like)


def _batch_to_matrix(b, s, like):
    """A batch of scalars `s` (shape lead, or (1,) for one matrix) broadcast to `like`."""
    shape = like.type.shape
    return b.op("broadcast_to", b.op("Reshape", s, shape=shape[:-2] + (1, 1)), shape=shape)


# ---------------------------------------------------------------- the triangle mask

@register("_linalg_tril", lambda ins, a: (_matrices(ins[0], "_linalg_tril", False), ins)[1],
          attrs={"k": 0}, mxnet="_npi_tril", mxnet_np="_npi_tril")
def linalg_tril(x, k):
    """The lower triangle (on and below diagonal `k`) of each matrix; zeros elsewhere."""
    return np.tril(x, int(k))


linalg_tril.gradient(lambda b, n, g: [b.op("_linalg_tril", g[0], **n.attrs)])


# ---------------------------------------------------------------- Cholesky and its inverse

@register("_linalg_potrf", _square("potrf"))
def potrf(a):
    """The lower-triangular Cholesky factor L of each symmetric positive-definite matrix
    (A = L L^T; only A's lower triangle is read)."""
    return _lapack("potrf", np.linalg.cholesky, a).astype(a.dtype)


@potrf.gradient
def _potrf_vjp(b, n, g):
    # dA = 0.5 * L^-T copyLTU(L^T dL) L^-1  (MXNet's la_op.h)
    l_ = n.outputs[0]
    c = scale(b, copy_ltu(b, mm(b, l_, g[0], ta=True)), 0.5)
    y = b.op("_linalg_trsm", l_, c, transpose=True)
    return [b.op("_linalg_trsm", l_, y, rightside=True)]


@register("_linalg_potri", _square("potri"))
def potri(l_):
    """(L L^T)^-1 from the lower-triangular Cholesky factor L (upper triangle ignored)."""
    inv = _lapack("potri", np.linalg.inv, np.tril(l_))
    return (_t(inv) @ inv).astype(l_.dtype)


@potri.gradient
def _potri_vjp(b, n, g):
    # Y = (L L^T)^-1: dL = -tril(Y (G + G^T) L^-T)
    l_, y = n.inputs[0], n.outputs[0]
    z = mm(b, y, add(b, g[0], T(b, g[0])))
    w = b.op("_linalg_trsm", l_, z, rightside=True, transpose=True)
    return [b.op("negative", tril(b, w))]


# ---------------------------------------------------------------- triangular solve

def triangular_infer(name):
    """The shape rule of trsm / trmm: square A (batched), B whose rows (columns when
    `rightside`) match A; the result has B's type."""
    def infer(ins, attrs):
        a, c = ins
        _matrices(a, name)
        _matrices(c, name, square=False)
        k = c.shape[-1] if attrs["rightside"] else c.shape[-2]
        if a.shape[:-2] != c.shape[:-2] or k != a.shape[-1] or a.dtype != c.dtype:
            raise ShapeError("%s: A %s %s and B %s %s do not match (rightside=%s)"
                             % (name, fmt_shape(a.shape), a.dtype, fmt_shape(c.shape),
                                c.dtype, attrs["rightside"]))
        return [c]
    return infer


@register("_linalg_trsm", triangular_infer("trsm"), num_inputs=2,
          attrs={"transpose": False, "rightside": False, "lower": True, "alpha": 1.0})
def trsm(a, b_, transpose, rightside, lower, alpha):
    """Solves op(A) X = alpha B (or X op(A) = alpha B when `rightside`) for X, with A the
    lower (or upper, `lower=False`) triangle of each matrix and op() an optional transpose."""
    tri = np.tril(a) if lower else np.triu(a)
    opa = _t(tri) if transpose else tri
    if rightside:  # X op(A) = alpha B  <=>  op(A)^T X^T = alpha B^T
        out = _t(_lapack("trsm", np.linalg.solve, _t(opa), _t(b_)))
    else:
        out = _lapack("trsm", np.linalg.solve, opa, b_)
    return (alpha * out).astype(b_.dtype)


@trsm.gradient
def _trsm_vjp(b, n, g):
    a, x = n.inputs[0], n.outputs[0]
    at = n.attrs
    tr, rs = bool(at["transpose"]), bool(at["rightside"])
    # Gb = op(A)^-T G (or G op(A)^-T): dB = alpha Gb and d op(A) = -Gb X^T (or -X^T Gb)
    gb = b.op("_linalg_trsm", a, g[0], transpose=not tr, rightside=rs, lower=at["lower"])
    d_b = scale(b, gb, at["alpha"])
    if rs:
        d_opa = mm(b, gb, x, ta=True) if tr else mm(b, x, gb, ta=True)
    else:
        d_opa = mm(b, x, gb, tb=True) if tr else mm(b, gb, x, tb=True)
    d_a = b.op("negative", tril(b, d_opa, 0, at["lower"]))
    return [d_a, d_b]


# ---------------------------------------------------------------- inverse and determinants

@register("_linalg_inverse", _square("inverse"), mxnet_np="_npi_inv")
def inverse(a):
    """The inverse of each square matrix."""
    return _lapack("inverse", np.linalg.inv, a).astype(a.dtype)


@inverse.gradient
def _inverse_vjp(b, n, g):
    y = n.outputs[0]  # dA = -Y^T G Y^T
    return [b.op("negative", mm(b, mm(b, y, g[0], ta=True), y, tb=True))]


def _det_infer(ins, attrs, outputs=1):
    _matrices(ins[0], "det")
    lead = ins[0].shape[:-2] or (1,)
    return [TensorType.get(lead, ins[0].dtype)] * outputs


def _batch_shape(a, r):
    return np.asarray(r, dtype=a.dtype).reshape(a.shape[:-2] or (1,))


@register("_linalg_det", _det_infer)
def det(a):
    """The determinant of each square matrix (shape (1,) for a single matrix)."""
    return _batch_shape(a, _lapack("det", np.linalg.det, a))


@det.gradient
def _det_vjp(b, n, g):
    a, d = n.inputs[0], n.outputs[0]  # dA = G det(A) A^-T
    inv_t = T(b, b.op("_linalg_inverse", a))
    return [b.op("elemwise_mul", _batch_to_matrix(b, b.op("elemwise_mul", g[0], d), a), inv_t)]


@register("_linalg_slogdet", lambda ins, a: _det_infer(ins, a, 2), num_outputs=2)
def slogdet(a):
    """(sign, log |det|) of each square matrix."""
    sign, logabs = _lapack("slogdet", np.linalg.slogdet, a)
    return _batch_shape(a, sign), _batch_shape(a, logabs)


@slogdet.gradient
def _slogdet_vjp(b, n, g):
    if g[1] is None:  # the sign is piecewise constant
        return [None]
    a = n.inputs[0]
    inv_t = T(b, b.op("_linalg_inverse", a))
    return [b.op("elemwise_mul", _batch_to_matrix(b, g[1], a), inv_t)]


# ---------------------------------------------------------------- LQ factorisation

def _gelqf_infer(ins, attrs):
    t = ins[0]
    _matrices(t, "gelqf", square=False)
    m, n = t.shape[-2:]
    if m > n:
        raise ShapeError("gelqf: matrices must have no more rows than columns, got shape %s"
                         % fmt_shape(t.shape))
    return [t, TensorType.get(t.shape[:-2] + (m, m), t.dtype)]


@register("_linalg_gelqf", _gelqf_infer, num_outputs=2)
def gelqf(a):
    """(Q, L) with A = L Q, Q's rows orthonormal and L lower triangular (LAPACK's signs)."""
    q, r = _lapack("gelqf", np.linalg.qr, _t(a))
    return _t(q).astype(a.dtype), _t(r).astype(a.dtype)


@gelqf.gradient
def _gelqf_vjp(b, n, g):
    # dA = L^-T (dQ + copyLTU(M) Q),  M = L^T dL - dQ Q^T  (MXNet's la_op.h)
    q, l_ = n.outputs
    dq, dl = _zeros_if_none(b, g[0], q), _zeros_if_none(b, g[1], l_)
    m = b.op("elemwise_sub", mm(b, l_, dl, ta=True), mm(b, dq, q, tb=True))
    inner = add(b, dq, mm(b, copy_ltu(b, m), q))
    return [b.op("_linalg_trsm", l_, inner, transpose=True)]


# ---------------------------------------------------------------- symmetric eigensystem

def _syevd_infer(ins, attrs):
    t = ins[0]
    _matrices(t, "syevd")
    return [t, TensorType.get(t.shape[:-1], t.dtype)]


@register("_linalg_syevd", _syevd_infer, num_outputs=2)
def syevd(a):
    """(U, lam): eigenvalues `lam` ascending and the eigenvectors as the rows of U
    (A = U^T diag(lam) U), each row's largest-magnitude entry positive (MXNet's signs);
    only A's lower triangle is read."""
    lam, v = _lapack("syevd", np.linalg.eigh, a)
    u = _t(v)
    idx = np.argmax(np.abs(u), axis=-1)[..., None]
    u = u * np.where(np.take_along_axis(u, idx, axis=-1) < 0, -1.0, 1.0)
    return u.astype(a.dtype), lam.astype(a.dtype)


@syevd.gradient
def _syevd_vjp(b, n, g):
    # dA = sym(U^T (diag(dlam) + F o (U dU^T)) U),  F_ij = 1 / (lam_j - lam_i), F_ii = 0
    u, lam = n.outputs
    shape = u.type.shape
    lead, k = shape[:-2], shape[-1]
    ones = b.op("ones_like", u)
    eye = tril(b, tril(b, ones), 0, False)
    row = b.op("broadcast_to", b.op("Reshape", lam, shape=lead + (1, k)), shape=shape)
    col = b.op("broadcast_to", b.op("Reshape", lam, shape=lead + (k, 1)), shape=shape)
    gap = add(b, b.op("elemwise_sub", row, col), eye)
    f = b.op("elemwise_div", b.op("elemwise_sub", ones, eye), gap)
    inner = None
    if g[0] is not None:
        inner = b.op("elemwise_mul", f, mm(b, u, g[0], tb=True))
    if g[1] is not None:
        diag = b.op("elemwise_mul", eye, b.op("broadcast_to", b.op(
            "Reshape", g[1], shape=lead + (1, k)), shape=shape))
        inner = diag if inner is None else add(b, inner, diag)
    full = mm(b, mm(b, u, inner, ta=True), u)
    return [scale(b, add(b, full, T(b, full)), 0.5)]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, set_rule  # noqa: E402  (after the operators)

set_rule(linear(0), ["_linalg_tril"])

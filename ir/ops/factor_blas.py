"""MXNet's matrix products and diagonal/triangle helpers (la_op.cc), batched over leading
axes: `_linalg_gemm2`, `_linalg_gemm`, `_linalg_syrk`, `_linalg_trmm`, `_linalg_sumlogdiag`,
`_linalg_extractdiag`, `_linalg_makediag`, `_linalg_extracttrian`, `_linalg_maketrian`.

They are operators (not compositions) so mx.nd.linalg, mx.sym.linalg and symbol JSON name
them as MXNet does. Their gradient rules use these same operators (gemm2's adjoint is two
gemm2s, extractdiag and makediag are each other's adjoints, as are extracttrian and
maketrian), so gradients go to any order. Only `axis=-2` (matrices in the last two axes)
is implemented for gemm/gemm2.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .factor import T, _matrices, _t, add, scale, tril, triangular_infer
from .rules import fmt_shape


def _opm(x, transpose):
    return _t(x) if transpose else x


def _product_shape(op, a, c, ta, tb):
    _matrices(a, op, square=False)
    _matrices(c, op, square=False)
    m, k = a.shape[-2:][::-1] if ta else a.shape[-2:]
    k2, n = c.shape[-2:][::-1] if tb else c.shape[-2:]
    if a.shape[:-2] != c.shape[:-2] or k != k2 or a.dtype != c.dtype:
        raise ShapeError("%s: A %s %s and B %s %s do not multiply (transpose_a=%s, "
                         "transpose_b=%s)" % (op, fmt_shape(a.shape), a.dtype,
                                              fmt_shape(c.shape), c.dtype, ta, tb))
    return TensorType.get(a.shape[:-2] + (m, n), a.dtype)


def _check_axis(op, attrs):
    if attrs.get("axis", -2) != -2:
        raise ShapeError("%s: only axis=-2 (matrices in the last two axes) is implemented, "
                         "got axis=%r" % (op, attrs["axis"]))


def _gemm2_infer(ins, attrs):
    _check_axis("gemm2", attrs)
    return [_product_shape("gemm2", ins[0], ins[1], bool(attrs["transpose_a"]),
                           bool(attrs["transpose_b"]))]


_GEMM_ATTRS = {"transpose_a": False, "transpose_b": False, "alpha": 1.0, "axis": -2}


@register("_linalg_gemm2", _gemm2_infer, num_inputs=2, attrs=dict(_GEMM_ATTRS))
def gemm2(a, b_, transpose_a, transpose_b, alpha, axis):
    """alpha * op(A) op(B) for each pair of matrices, op() an optional transpose."""
    out = np.matmul(_opm(a, transpose_a), _opm(b_, transpose_b))
    return (alpha * out).astype(a.dtype)


def _gemm2_grads(b, a, c, g, ta, tb, alpha):
    """Cotangents of A and B in alpha op(A) op(B), as gemm2s."""
    def g2(x, y, t1, t2):
        return b.op("_linalg_gemm2", x, y, transpose_a=t1, transpose_b=t2, alpha=alpha)
    d_a = g2(c, g, tb, True) if ta else g2(g, c, False, not tb)
    d_b = g2(g, a, True, ta) if tb else g2(a, g, not ta, False)
    return d_a, d_b


@gemm2.gradient
def _gemm2_vjp(b, n, g):
    at = n.attrs
    return list(_gemm2_grads(b, n.inputs[0], n.inputs[1], g[0], bool(at["transpose_a"]),
                             bool(at["transpose_b"]), float(at["alpha"])))


def _gemm_infer(ins, attrs):
    _check_axis("gemm", attrs)
    out = _product_shape("gemm", ins[0], ins[1], bool(attrs["transpose_a"]),
                         bool(attrs["transpose_b"]))
    if ins[2].shape != out.shape or ins[2].dtype != out.dtype:
        raise ShapeError("gemm: C %s %s must have op(A) op(B)'s shape %s %s"
                         % (fmt_shape(ins[2].shape), ins[2].dtype, fmt_shape(out.shape),
                            out.dtype))
    return [out]


@register("_linalg_gemm", _gemm_infer, num_inputs=3, attrs=dict(_GEMM_ATTRS, beta=1.0))
def gemm(a, b_, c, transpose_a, transpose_b, alpha, beta, axis):
    """alpha * op(A) op(B) + beta * C for each triple of matrices."""
    out = alpha * np.matmul(_opm(a, transpose_a), _opm(b_, transpose_b)) + beta * c
    return out.astype(a.dtype)


@gemm.gradient
def _gemm_vjp(b, n, g):
    at = n.attrs
    d_a, d_b = _gemm2_grads(b, n.inputs[0], n.inputs[1], g[0], bool(at["transpose_a"]),
                            bool(at["transpose_b"]), float(at["alpha"]))
    return [d_a, d_b, scale(b, g[0], float(at["beta"]))]


def _syrk_infer(ins, attrs):
    t = ins[0]
    _matrices(t, "syrk", square=False)
    k = t.shape[-1] if attrs["transpose"] else t.shape[-2]
    return [TensorType.get(t.shape[:-2] + (k, k), t.dtype)]


@register("_linalg_syrk", _syrk_infer, attrs={"transpose": False, "alpha": 1.0})
def syrk(a, transpose, alpha):
    """alpha * A A^T (or alpha * A^T A when `transpose`) for each matrix."""
    out = np.matmul(_t(a), a) if transpose else np.matmul(a, _t(a))
    return (alpha * out).astype(a.dtype)


@syrk.gradient
def _syrk_vjp(b, n, g):
    sym = add(b, g[0], T(b, g[0]))  # dA = alpha (G + G^T) A, or alpha A (G + G^T)
    a, alpha = n.inputs[0], float(n.attrs["alpha"])
    if n.attrs["transpose"]:
        return [b.op("_linalg_gemm2", a, sym, alpha=alpha)]
    return [b.op("_linalg_gemm2", sym, a, alpha=alpha)]


@register("_linalg_trmm", triangular_infer("trmm"), num_inputs=2,
          attrs={"transpose": False, "rightside": False, "lower": True, "alpha": 1.0})
def trmm(a, b_, transpose, rightside, lower, alpha):
    """alpha * op(tri(A)) B (or alpha * B op(tri(A)) when `rightside`), tri(A) the lower
    (or upper, `lower=False`) triangle of each A."""
    opa = _opm(np.tril(a) if lower else np.triu(a), transpose)
    out = np.matmul(b_, opa) if rightside else np.matmul(opa, b_)
    return (alpha * out).astype(b_.dtype)


@trmm.gradient
def _trmm_vjp(b, n, g):
    a, c = n.inputs
    at = n.attrs
    tr, rs, alpha = bool(at["transpose"]), bool(at["rightside"]), float(at["alpha"])
    d_b = b.op("_linalg_trmm", a, g[0], transpose=not tr, rightside=rs, lower=at["lower"],
               alpha=alpha)
    # d op(tri A) = alpha G B^T (or alpha B^T G); transposed back when op() transposes
    if rs:
        d_opa = b.op("_linalg_gemm2", c, g[0], transpose_a=True, alpha=alpha)
    else:
        d_opa = b.op("_linalg_gemm2", g[0], c, transpose_b=True, alpha=alpha)
    d_tri = T(b, d_opa) if tr else d_opa
    return [tril(b, d_tri, 0, bool(at["lower"])), d_b]


# ---------------------------------------------------------------- diagonals and triangles

def _sumlogdiag_infer(ins, attrs):
    _matrices(ins[0], "sumlogdiag")
    return [TensorType.get(ins[0].shape[:-2] or (1,), ins[0].dtype)]


@register("_linalg_sumlogdiag", _sumlogdiag_infer)
def sumlogdiag(a):
    """sum(log(diag(A))) of each square matrix (shape (1,) for a single matrix)."""
    out = np.sum(np.log(np.diagonal(a, axis1=-2, axis2=-1)), axis=-1)
    return np.asarray(out, dtype=a.dtype).reshape(a.shape[:-2] or (1,))


@sumlogdiag.gradient
def _sumlogdiag_vjp(b, n, g):
    a = n.inputs[0]  # dA = G diag(1 / diag(A))
    inv = b.op("reciprocal", b.op("_linalg_extractdiag", a))
    k = a.type.shape[-1]
    gs = b.op("broadcast_to", b.op("Reshape", g[0], shape=a.type.shape[:-2] + (1,)),
              shape=a.type.shape[:-2] + (k,))
    return [b.op("_linalg_makediag", b.op("elemwise_mul", gs, inv))]


def _diag_index(n, offset):
    rows = np.arange(max(0, -offset), min(n, n - offset))
    return rows, rows + offset


def _extractdiag_infer(ins, attrs):
    t, k = ins[0], int(attrs["offset"])
    _matrices(t, "extractdiag")
    if abs(k) >= t.shape[-1]:
        raise ShapeError("extractdiag: offset %d is outside a %dx%d matrix"
                         % (k, t.shape[-1], t.shape[-1]))
    return [TensorType.get(t.shape[:-2] + (t.shape[-1] - abs(k),), t.dtype)]


@register("_linalg_extractdiag", _extractdiag_infer, attrs={"offset": 0})
def extractdiag(a, offset):
    """The `offset` diagonal of each square matrix (above the main one for offset > 0)."""
    rows, cols = _diag_index(a.shape[-1], int(offset))
    return np.ascontiguousarray(a[..., rows, cols])


extractdiag.gradient(lambda b, n, g: [b.op("_linalg_makediag", g[0], **n.attrs)])


def _makediag_infer(ins, attrs):
    t = ins[0]
    if t.ndim < 1 or t.dtype not in ("float32", "float64"):
        raise ShapeError("makediag: input must be a floating-point array with at least one "
                         "dimension, got %r" % (t,))
    n = t.shape[-1] + abs(int(attrs["offset"]))
    return [TensorType.get(t.shape[:-1] + (n, n), t.dtype)]


@register("_linalg_makediag", _makediag_infer, attrs={"offset": 0})
def makediag(a, offset):
    """Square matrices with A's last axis on the `offset` diagonal, zeros elsewhere."""
    n = a.shape[-1] + abs(int(offset))
    out = np.zeros(a.shape[:-1] + (n, n), a.dtype)
    rows, cols = _diag_index(n, int(offset))
    out[..., rows, cols] = a
    return out


makediag.gradient(lambda b, n, g: [b.op("_linalg_extractdiag", g[0], **n.attrs)])


def _trian_index(n, offset, lower):
    """(rows, cols) of the packed triangle in MXNet's order. A non-zero offset picks the
    triangle (above the diagonal for offset > 0, below for < 0), `lower` only matters for
    offset 0; lower triangles are read row by row, upper ones column by column."""
    if offset != 0:
        lower = offset < 0
    if lower:
        return np.nonzero(np.tril(np.ones((n, n)), offset))
    cols, rows = np.nonzero(np.triu(np.ones((n, n)), offset).T)
    return rows, cols


def _extracttrian_infer(ins, attrs):
    t, k = ins[0], int(attrs["offset"])
    _matrices(t, "extracttrian")
    m = t.shape[-1] - abs(k)
    if m < 1:
        raise ShapeError("extracttrian: offset %d is outside a %dx%d matrix"
                         % (k, t.shape[-1], t.shape[-1]))
    return [TensorType.get(t.shape[:-2] + (m * (m + 1) // 2,), t.dtype)]


@register("_linalg_extracttrian", _extracttrian_infer, attrs={"offset": 0, "lower": True})
def extracttrian(a, offset, lower):
    """The lower (or upper) triangle of each square matrix, packed into a vector."""
    rows, cols = _trian_index(a.shape[-1], int(offset), bool(lower))
    return np.ascontiguousarray(a[..., rows, cols])


extracttrian.gradient(lambda b, n, g: [b.op("_linalg_maketrian", g[0], **n.attrs)])


def _maketrian_infer(ins, attrs):
    t = ins[0]
    if t.ndim < 1 or t.dtype not in ("float32", "float64"):
        raise ShapeError("maketrian: input must be a floating-point array with at least one "
                         "dimension, got %r" % (t,))
    k = t.shape[-1]
    m = int(round((np.sqrt(8 * k + 1) - 1) / 2))
    if m * (m + 1) // 2 != k:
        raise ShapeError("maketrian: %d is not a triangular number of elements" % k)
    n = m + abs(int(attrs["offset"]))
    return [TensorType.get(t.shape[:-1] + (n, n), t.dtype)]


@register("_linalg_maketrian", _maketrian_infer, attrs={"offset": 0, "lower": True})
def maketrian(a, offset, lower):
    """Triangular matrices from packed triangles (the inverse of extracttrian)."""
    k = a.shape[-1]
    m = int(round((np.sqrt(8 * k + 1) - 1) / 2))
    n = m + abs(int(offset))
    out = np.zeros(a.shape[:-1] + (n, n), a.dtype)
    rows, cols = _trian_index(n, int(offset), bool(lower))
    out[..., rows, cols] = a
    return out


maketrian.gradient(lambda b, n, g: [b.op("_linalg_extracttrian", g[0], **n.attrs)])


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import linear, set_rule  # noqa: E402  (after the operators)

set_rule(linear(0), ["_linalg_extractdiag", "_linalg_makediag", "_linalg_extracttrian",
                     "_linalg_maketrian"])

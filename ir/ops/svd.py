"""MXNet's `_npi_svd` (np.linalg.svd) as `_linalg_svd`: A = ut diag(s) v for each matrix of
shape (..., M, N) with M <= N; ut (..., M, M) and v (..., M, N) orthonormal, s (..., M)
descending. Signs as MXNet's gesvd: each row of v has its largest-magnitude entry positive
(the matching column of ut follows).

The gradient rule is the standard SVD adjoint (MXNet's np_gesvd backward), built from
registered operators (gemm2, makediag, element-wise) and the node's own outputs, so it goes
to any order; it is the derivative where the singular values are distinct and non-zero:

    dA = ut [diag(ds) + (F o (ut^T dut - dut^T ut)) S + S (F o (v dv^T - dv v^T))] v
         + ut S^-1 (dv - dv v^T v),    F_ij = 1 / (s_j^2 - s_i^2), F_ii = 0
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .factor import T, _lapack, _matrices, add
from .rules import fmt_shape


def _svd_infer(ins, attrs):
    t = ins[0]
    _matrices(t, "svd", square=False)
    m, n = t.shape[-2:]
    if m > n:
        raise ShapeError("svd: input A shape wrong: the second to last dimension must be less "
                         "than or equal to the last dimension, got shape %s"
                         % fmt_shape(t.shape))
    lead = t.shape[:-2]
    return [TensorType.get(lead + (m, m), t.dtype), TensorType.get(lead + (m,), t.dtype), t]


@register("_linalg_svd", _svd_infer, num_outputs=3, mxnet="_npi_svd", mxnet_np="_npi_svd")
def svd(a):
    """(ut, s, v) with A = ut diag(s) v: s descending, ut and v orthonormal, each row of v
    with its largest-magnitude entry positive (MXNet's signs)."""
    u, s, v = _lapack("svd", np.linalg.svd, a, False)
    idx = np.argmax(np.abs(v), axis=-1)[..., None]
    flip = np.where(np.take_along_axis(v, idx, axis=-1) < 0, -1.0, 1.0)  # (..., M, 1)
    return ((u * np.swapaxes(flip, -1, -2)).astype(a.dtype), s.astype(a.dtype),
            (v * flip).astype(a.dtype))


def _mm(b, x, y, ta=False, tb=False):
    return b.op("_linalg_gemm2", x, y, transpose_a=ta, transpose_b=tb)


@svd.gradient
def _svd_vjp(b, n, g):
    ut, s, v = n.outputs
    shape = ut.type.shape
    lead, m = shape[:-2], shape[-1]

    def rows(vec):  # entry (i, j) = vec_j
        return b.op("broadcast_to", b.op("Reshape", vec, shape=lead + (1, m)), shape=shape)

    def cols(vec):  # entry (i, j) = vec_i
        return b.op("broadcast_to", b.op("Reshape", vec, shape=lead + (m, 1)), shape=shape)

    inner = None

    def acc(term):
        nonlocal inner
        inner = term if inner is None else add(b, inner, term)

    if g[0] is not None or g[2] is not None:
        eye = b.op("_linalg_makediag", b.op("ones_like", s))
        s2 = b.op("elemwise_mul", s, s)
        gap = add(b, b.op("elemwise_sub", rows(s2), cols(s2)), eye)
        f = b.op("elemwise_div", b.op("elemwise_sub", b.op("ones_like", eye), eye), gap)

        def skew_f(x):  # F o (X - X^T)
            return b.op("elemwise_mul", f, b.op("elemwise_sub", x, T(b, x)))
        if g[0] is not None:
            acc(b.op("elemwise_mul", skew_f(_mm(b, ut, g[0], ta=True)), rows(s)))
        if g[2] is not None:
            acc(b.op("elemwise_mul", cols(s), skew_f(_mm(b, v, g[2], tb=True))))
    if g[1] is not None:
        acc(b.op("_linalg_makediag", g[1]))
    out = _mm(b, _mm(b, ut, inner), v)
    if g[2] is not None and v.type.shape[-1] > m:  # the part of dv outside v's row space
        rest = b.op("elemwise_sub", g[2], _mm(b, _mm(b, g[2], v, tb=True), v))
        vshape = v.type.shape
        sinv = b.op("broadcast_to", b.op("Reshape", b.op("reciprocal", s), shape=lead + (m, 1)),
                    shape=vshape)
        out = add(b, out, _mm(b, ut, b.op("elemwise_mul", sinv, rest)))
    return [out]

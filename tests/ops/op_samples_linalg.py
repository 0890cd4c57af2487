"""Samples of the factorisation operators (tapegraph/ir/ops/factor.py) for the operator
table: well-conditioned matrices (SPD for potrf, distinct eigenvalues for syevd,
dominant diagonals for the solves).

potrf and syevd read only A's lower triangle and their gradients are MXNet's symmetric
ones, which are the derivative along symmetric perturbations: their samples differentiate
through A = (X + X^T) / 2, so finite differences move A symmetrically.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from op_samples import Sample, x


@dataclass
class Mat:
    """A matrix input (batched over leading axes) of `kind`: "spd" (symmetric positive
    definite), "eig" (symmetric, eigenvalues about 1, 2.5 and 4 apart), "svd" (any shape,
    singular values 1.5 apart), "dominant" (a
    diagonal of 2.5..3.5 over [-1, 1] entries: every triangle well-conditioned)."""
    shape: Tuple[int, ...]
    kind: str = "dominant"
    sign: float = 1.0

    def draw(self, rng: np.random.RandomState) -> np.ndarray:
        n = self.shape[-1]
        m = rng.uniform(-1, 1, self.shape)
        eye = np.eye(n)
        if self.kind == "spd":
            out = m @ np.swapaxes(m, -1, -2) / n + eye
        elif self.kind == "svd":  # singular values about 1, 2.5, 4, ... apart
            m, k = self.shape[-2:]
            u, _ = np.linalg.qr(rng.uniform(-1, 1, self.shape[:-2] + (m, m)))
            v, _ = np.linalg.qr(rng.uniform(-1, 1, self.shape[:-2] + (k, k)))
            sv = 1.5 * np.arange(min(m, k), 0, -1) + rng.uniform(-0.2, 0.2, self.shape[:-2]
                                                                 + (min(m, k),))
            out = (u[..., :, :min(m, k)] * sv[..., None, :]) @ _t(v[..., :, :min(m, k)])
        elif self.kind == "eig":
            q, _ = np.linalg.qr(m)
            lam = 1.5 * np.arange(1, n + 1) + rng.uniform(-0.2, 0.2, self.shape[:-1])
            out = q @ (lam[..., None] * np.swapaxes(q, -1, -2))
            out = (out + np.swapaxes(out, -1, -2)) / 2
        else:
            out = m + eye * rng.uniform(2.5, 3.5, self.shape[:-1])[..., None]
        return (self.sign * out).astype(np.float64)


def _sym_graph(op):
    """A graph of `op((X + X^T) / 2)`, all outputs (see the module docstring)."""
    def build(inputs):
        from tapegraph.ir import Builder
        b = Builder()
        xv = inputs[0]
        nd = xv.type.ndim
        xt = b.op("transpose", xv, axes=tuple(range(nd - 2)) + (nd - 1, nd - 2))
        a = b.op("_mul_scalar", b.op("elemwise_add", xv, xt), scalar=0.5)
        out = b.op(op, a)
        return b.graph(op, inputs, list(out) if isinstance(out, tuple) else [out])
    return build


def _t(a):
    return np.swapaxes(a, -1, -2)


def _solve_ref(a, c, transpose=False, rightside=False, lower=True, alpha=1.0):
    tri = np.tril(a) if lower else np.triu(a)
    inv = np.linalg.inv(_t(tri) if transpose else tri)
    return alpha * (c @ inv if rightside else inv @ c)


def _eig_ref(a):
    lam, v = np.linalg.eigh(a)
    u = _t(v).copy()
    for row in u.reshape(-1, u.shape[-1]):
        if row[np.argmax(np.abs(row))] < 0:
            row *= -1
    return u, lam


def _lq_ref(a):
    q, r = np.linalg.qr(_t(a))
    return _t(q), _t(r)


def _batch(v, a):
    return np.asarray(v).reshape(a.shape[:-2] or (1,))


def S(op, inputs, ref, **attrs):
    return Sample(op, list(inputs), ref, attrs)


def B(op, inputs, ref):
    return Sample(op, list(inputs), ref, build=_sym_graph(op), export_build=True)


LINALG = [
    S("_linalg_tril", [x(3, 4)], np.tril),
    S("_linalg_tril", [x(2, 3, 4)], lambda v: np.tril(v, -1), k=-1),
    B("_linalg_potrf", [Mat((3, 3), "spd")], np.linalg.cholesky),
    B("_linalg_potrf", [Mat((2, 3, 3), "spd")], np.linalg.cholesky),
    S("_linalg_potri", [Mat((3, 3))], lambda v: np.linalg.inv(np.tril(v) @ _t(np.tril(v)))),
    S("_linalg_potri", [Mat((2, 3, 3))],
      lambda v: np.linalg.inv(np.tril(v) @ _t(np.tril(v)))),
    S("_linalg_trsm", [Mat((3, 3)), x(3, 2)], _solve_ref),
    S("_linalg_trsm", [Mat((3, 3)), x(3, 2)],
      lambda a, c: _solve_ref(a, c, transpose=True, alpha=2.0), transpose=True, alpha=2.0),
    S("_linalg_trsm", [Mat((2, 3, 3)), x(2, 2, 3)],
      lambda a, c: _solve_ref(a, c, rightside=True, lower=False), rightside=True,
      lower=False),
    S("_linalg_trsm", [Mat((3, 3)), x(2, 3)],
      lambda a, c: _solve_ref(a, c, True, True, False, -0.5), transpose=True, rightside=True,
      lower=False, alpha=-0.5),
    S("_linalg_inverse", [Mat((3, 3))], np.linalg.inv),
    S("_linalg_inverse", [Mat((2, 3, 3))], np.linalg.inv),
    S("_linalg_det", [Mat((3, 3))], lambda a: _batch(np.linalg.det(a), a)),
    S("_linalg_det", [Mat((2, 3, 3), sign=-1.0)], lambda a: _batch(np.linalg.det(a), a)),
    S("_linalg_slogdet", [Mat((3, 3), sign=-1.0)],
      lambda a: tuple(_batch(r, a) for r in np.linalg.slogdet(a))),
    S("_linalg_slogdet", [Mat((2, 3, 3))],
      lambda a: tuple(_batch(r, a) for r in np.linalg.slogdet(a))),
    S("_linalg_gelqf", [x(2, 4)], _lq_ref),
    S("_linalg_gelqf", [Mat((2, 3, 3))], _lq_ref),
    B("_linalg_syevd", [Mat((3, 3), "eig")], lambda a: _eig_ref(a)[0]),
    B("_linalg_syevd", [Mat((2, 3, 3), "eig")], lambda a: _eig_ref(a)[0]),
]


def _tri(a, lower=True):
    return np.tril(a) if lower else np.triu(a)


def _trian_ref(a, offset=0, lower=True):
    n = a.shape[-1]
    if offset != 0:
        lower = offset < 0
    if lower:
        r, c = np.nonzero(np.tril(np.ones((n, n)), offset))
    else:
        c, r = np.nonzero(np.triu(np.ones((n, n)), offset).T)
    return a[..., r, c]


def _maketrian_ref(v, offset=0, lower=True):
    m = int(round((np.sqrt(8 * v.shape[-1] + 1) - 1) / 2))
    n = m + abs(offset)
    idx = _trian_ref(np.arange(n * n).reshape(n, n), offset, lower)
    out = np.zeros(v.shape[:-1] + (n * n,))
    out[..., idx] = v
    return out.reshape(v.shape[:-1] + (n, n))


def _makediag_ref(v, offset=0):
    n = v.shape[-1] + abs(offset)
    out = np.zeros(v.shape[:-1] + (n, n))
    r = np.arange(max(0, -offset), min(n, n - offset))
    out[..., r, r + offset] = v
    return out


BLAS = [
    S("_linalg_gemm2", [x(3, 4), x(4, 2)], lambda a, c: a @ c),
    S("_linalg_gemm2", [x(2, 4, 3), x(2, 2, 4)], lambda a, c: -1.5 * _t(a) @ _t(c),
      transpose_a=True, transpose_b=True, alpha=-1.5),
    S("_linalg_gemm2", [x(3, 4), x(2, 4)], lambda a, c: a @ _t(c), transpose_b=True),
    S("_linalg_gemm", [x(2, 3, 4), x(2, 3, 2), x(2, 4, 2)],
      lambda a, c, d: 2.0 * _t(a) @ c + 0.5 * d, transpose_a=True, alpha=2.0, beta=0.5),
    S("_linalg_syrk", [x(3, 4)], lambda a: a @ _t(a)),
    S("_linalg_syrk", [x(2, 3, 4)], lambda a: 0.5 * _t(a) @ a, transpose=True, alpha=0.5),
    S("_linalg_trmm", [x(3, 3), x(3, 2)], lambda a, c: np.tril(a) @ c),
    S("_linalg_trmm", [x(2, 3, 3), x(2, 2, 3)],
      lambda a, c: -2.0 * c @ _t(np.triu(a)), transpose=True, rightside=True, lower=False,
      alpha=-2.0),
    S("_linalg_sumlogdiag", [Mat((3, 3))],
      lambda a: _batch(np.log(np.diagonal(a, axis1=-2, axis2=-1)).sum(-1), a)),
    S("_linalg_sumlogdiag", [Mat((2, 3, 3))],
      lambda a: np.log(np.diagonal(a, axis1=-2, axis2=-1)).sum(-1)),
    S("_linalg_extractdiag", [x(3, 3)], np.diag),
    S("_linalg_extractdiag", [x(2, 4, 4)],
      lambda a: np.diagonal(a, -1, axis1=-2, axis2=-1), offset=-1),
    S("_linalg_makediag", [x(3)], _makediag_ref),
    S("_linalg_makediag", [x(2, 3)], lambda v: _makediag_ref(v, 1), offset=1),
    S("_linalg_extracttrian", [x(3, 3)], _trian_ref),
    S("_linalg_extracttrian", [x(2, 4, 4)], lambda a: _trian_ref(a, 0, False), lower=False),
    S("_linalg_extracttrian", [x(4, 4)], lambda a: _trian_ref(a, 1), offset=1),
    S("_linalg_maketrian", [x(6)], _maketrian_ref),
    S("_linalg_maketrian", [x(2, 6)], lambda v: _maketrian_ref(v, 0, False), lower=False),
    S("_linalg_maketrian", [x(3)], lambda v: _maketrian_ref(v, -2), offset=-2),
]
LINALG += BLAS


def _svd_ref(a):
    u, s, v = np.linalg.svd(a, full_matrices=False)
    for k in np.ndindex(*a.shape[:-2]):
        for i in range(v.shape[-2]):
            if v[k + (i, np.argmax(np.abs(v[k + (i,)])))] < 0:
                v[k + (i,)] *= -1
                u[k + (slice(None), i)] *= -1
    return u, s, v


LINALG += [
    S("_linalg_svd", [Mat((3, 3), "svd")], _svd_ref),
    S("_linalg_svd", [Mat((2, 4), "svd")], _svd_ref),
    S("_linalg_svd", [Mat((2, 3, 5), "svd")], _svd_ref),
]

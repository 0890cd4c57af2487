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
    definite), "eig" (symmetric, eigenvalues about 1, 2.5 and 4 apart), "dominant" (a
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

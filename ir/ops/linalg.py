"""batch_dot: a batch of matrix products, (B, M, K) x (B, K, N) -> (B, M, N)."""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape


def _mats(shape, transpose):
    return (shape[-1], shape[-2]) if transpose else (shape[-2], shape[-1])


def _batch_dot_infer(ins, attrs):
    a, c = ins
    if a.ndim != 3 or c.ndim != 3 or a.shape[0] != c.shape[0]:
        raise ShapeError("batch_dot: inputs must be 3-D with one batch size, got %s and %s"
                         % (fmt_shape(a.shape), fmt_shape(c.shape)))
    if a.dtype != c.dtype:
        raise ShapeError("batch_dot: dtypes %s and %s differ" % (a.dtype, c.dtype))
    (m, k), (k2, n) = _mats(a.shape, attrs["transpose_a"]), _mats(c.shape, attrs["transpose_b"])
    if k != k2:
        raise ShapeError("batch_dot: shapes %s and %s are not aligned (%d != %d)"
                         % (fmt_shape(a.shape), fmt_shape(c.shape), k, k2))
    return [TensorType.get((a.shape[0], m, n), a.dtype)]


@register("batch_dot", _batch_dot_infer, num_inputs=2,
          attrs={"transpose_a": False, "transpose_b": False, "forward_stype": None},
          mxnet_np="_npx_batch_dot")
def batch_dot(a, b, transpose_a, transpose_b, forward_stype):
    """Matrix product of each pair a[i] . b[i] (after optional transposes)."""
    if transpose_a:
        a = a.swapaxes(1, 2)
    if transpose_b:
        b = b.swapaxes(1, 2)
    return np.matmul(a, b)


@batch_dot.gradient
def _batch_dot_vjp(b, n, g):
    x, y = n.inputs
    ta, tb = n.attrs["transpose_a"], n.attrs["transpose_b"]
    g = g[0]

    def bd(p, q, tp, tq):
        return b.op("batch_dot", p, q, transpose_a=tp, transpose_b=tq)

    if not ta and not tb:
        return [bd(g, y, False, True), bd(x, g, True, False)]
    if ta and not tb:
        return [bd(y, g, False, True), bd(x, g, False, False)]
    if not ta and tb:
        return [bd(g, y, False, False), bd(g, x, True, False)]
    return [bd(y, g, True, True), bd(g, x, True, True)]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

from ._jvp import product, set_rule  # noqa: E402  (after the operators)

set_rule(product(0, 1), ["batch_dot"])

"""MXNet 1.9.1's older operators that need their own IR node: `batch_take` and
`fill_element_0index` (non-differentiable in MXNet: differentiating through them raises
its "didn't register FGradient" error), and `SVMOutput`, an output layer whose forward is
the identity and whose gradient is the (L1 or squared) hinge loss's, ignoring the head
gradient as MXNet does; its rule is made of registered operators."""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import DTypeError, ShapeError
from tapegraph.ir.registry import register
from tapegraph.ir.types import TensorType
from .rules import fmt_shape
from ._emit import mul, scale, sub
from ._jvp import linear, set_rule


def _rows_infer(name, n_inputs):
    def rule(ins, attrs):
        a, idx = ins[0], ins[-1]
        if a.ndim != 2 or idx.shape != (a.shape[0],) or \
                (n_inputs == 3 and ins[1].shape != (a.shape[0],)):
            raise ShapeError("%s: expected a (N, M) array and (N,) arrays, got %s"
                             % (name, ", ".join(fmt_shape(t.shape) for t in ins)))
        if n_inputs == 2 and idx.dtype != "int32":  # MXNet's batch_take reads int32 only
            raise DTypeError("batch_take: indices must be int32, got %s (Type inconsistent, "
                             "Provided = %s, inferred type = int32)" % (idx.dtype, idx.dtype))
        return [a] if n_inputs == 3 else [TensorType.get((a.shape[0],), a.dtype)]
    return rule


def _columns(idx, width):
    return np.clip(idx.astype(np.int64), 0, width - 1)


@register("batch_take", _rows_infer("batch_take", 2), num_inputs=2, mxnet_np="batch_take")
def batch_take(a, indices):
    """a[i, indices[i]] for each row i (indices clipped to the row)."""
    return a[np.arange(a.shape[0]), _columns(indices, a.shape[1])]


@register("fill_element_0index", _rows_infer("fill_element_0index", 3), num_inputs=3,
          mxnet_np="fill_element_0index")
def fill_element_0index(lhs, mhs, rhs):
    """A copy of lhs with lhs[i, rhs[i]] = mhs[i]."""
    out = lhs.copy()
    out[np.arange(lhs.shape[0]), _columns(rhs, lhs.shape[1])] = mhs
    return out


def _svm_infer(ins, attrs):
    data, label = ins
    if data.ndim != 2 or label.shape != (data.shape[0],):
        raise ShapeError("SVMOutput: expected data (N, C) and label (N,), got %s and %s"
                         % (fmt_shape(data.shape), fmt_shape(label.shape)))
    return [data]


@register("SVMOutput", _svm_infer, num_inputs=2, mxnet_np="SVMOutput",
          attrs={"margin": 1.0, "regularization_coefficient": 1.0, "use_linear": False})
def svm_output(data, label, margin, regularization_coefficient, use_linear):
    """The identity; its gradient is that of the multi-class hinge loss with `label`:
    squared (L2-SVM) or, with use_linear=True, linear (L1-SVM), times the coefficient."""
    return data.copy()


@svm_output.gradient
def _(b, node, g):
    x, label = node.inputs
    m = float(node.attrs["margin"])
    reg = float(node.attrs["regularization_coefficient"])
    hit = b.op("one_hot", label, depth=x.type.shape[1], dtype=x.type.dtype)
    miss = b.op("_rminus_scalar", hit, scalar=1.0)
    below = b.op("_lesser_scalar", x, scalar=m)       # label column: x < margin
    above = b.op("_greater_scalar", x, scalar=-m)     # other columns: x > -margin
    if node.attrs["use_linear"]:
        out = sub(b, mul(b, miss, above), mul(b, hit, below))
        return [scale(b, out, reg), None]
    wrong = mul(b, mul(b, miss, above), b.op("_plus_scalar", x, scalar=m))
    short = mul(b, mul(b, hit, below), b.op("_rminus_scalar", x, scalar=m))
    return [scale(b, sub(b, wrong, short), 2.0 * reg), None]


set_rule(linear(0), ["SVMOutput"])

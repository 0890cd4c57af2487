"""MXNet's output (loss) layers: SoftmaxOutput, LinearRegressionOutput,
LogisticRegressionOutput, MAERegressionOutput, MakeLoss / make_loss.

Their forward is a plain function of the data (softmax, identity, sigmoid), but their
gradient is the gradient of the *loss* they stand for, and ignores the head gradient
(unless `out_grad=True`), exactly as in MXNet: for SoftmaxOutput it is
`(softmax(x) - one_hot(label)) * grad_scale / normalisation`. The rules are still made of
registered operators, so the result can be differentiated again.
"""
from __future__ import annotations

import numpy as np

from tapegraph.ir.errors import ShapeError
from tapegraph.ir.registry import register
from .rules import fmt_shape, same_type
from ._emit import broadcast, mul, scale, sub

_SOFTMAX_OUT_ATTRS = {"grad_scale": 1.0, "ignore_label": -1.0, "multi_output": False,
                      "use_ignore": False, "preserve_shape": False, "normalization": "null",
                      "out_grad": False, "smooth_alpha": 0.0}


def _softmax_output_infer(ins, attrs):
    data, label = ins
    if attrs["multi_output"]:
        raise ShapeError("SoftmaxOutput: multi_output=True is not supported")
    if attrs["normalization"] not in ("null", "batch", "valid"):
        raise ShapeError("SoftmaxOutput: normalization must be null, batch or valid, got %r"
                         % (attrs["normalization"],))
    if float(attrs["smooth_alpha"]) != 0.0:
        raise ShapeError("SoftmaxOutput: smooth_alpha is not supported")
    if data.ndim < 1 or label.shape != data.shape[:-1]:
        raise ShapeError("SoftmaxOutput: label of shape %s does not match data %s (expected %s)"
                         % (fmt_shape(label.shape), fmt_shape(data.shape),
                            fmt_shape(data.shape[:-1])))
    return [data]


@register("SoftmaxOutput", _softmax_output_infer, num_inputs=2, attrs=_SOFTMAX_OUT_ATTRS,
          mxnet_np="SoftmaxOutput")
def softmax_output(data, label, grad_scale, ignore_label, multi_output, use_ignore,
                   preserve_shape, normalization, out_grad, smooth_alpha):
    """softmax over the last axis; its gradient is that of cross-entropy with `label`."""
    e = np.exp(data - data.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@softmax_output.gradient
def _softmax_output_vjp(b, n, g):
    # Recompute softmax with the `softmax` operator (not this node's output), so that
    # differentiating this rule again follows softmax's true Jacobian.
    y, label = b.op("softmax", n.inputs[0], axis=-1), n.inputs[1]
    a = n.attrs
    shape = y.type.shape
    hot = b.op("one_hot", label, depth=shape[-1], dtype=y.type.dtype)
    if label.type.dtype != y.type.dtype:
        label = b.op("Cast", label, dtype=y.type.dtype)
    d = sub(b, y, hot)
    keep = None
    if a["use_ignore"]:
        keep = b.op("_not_equal_scalar", label, scalar=float(a["ignore_label"]))
        d = mul(b, d, broadcast(b, b.op("expand_dims", keep, axis=-1), shape))
    d = scale(b, d, float(a["grad_scale"]))
    if a["normalization"] == "batch":
        d = scale(b, d, 1.0 / max(1, label.type.size))
    elif a["normalization"] == "valid":
        valid = keep if keep is not None else b.op("ones_like", label)
        count = b.op("_maximum_scalar", b.op("sum", valid), scalar=1.0)
        d = b.op("elemwise_div", d, broadcast(b, count, shape))
    if a["out_grad"]:
        d = mul(b, d, g[0])
    return [d, None]

# ---------------------------------------------------------------- regression outputs


def _regression_infer(opname):
    def rule(ins, attrs):
        data, label = ins
        if label.size != data.size:
            raise ShapeError("%s: label of shape %s does not match data %s"
                             % (opname, fmt_shape(label.shape), fmt_shape(data.shape)))
        return [data]
    return rule


def _regression(name, forward, fn_op, slope):
    @register(name, _regression_infer(name), num_inputs=2, attrs={"grad_scale": 1.0},
              mxnet_np=name)
    def op(data, label, grad_scale):
        return forward(data)
    op.doc = ("Output layer: the forward is %s; the gradient is that of its regression loss "
              "with `label`, scaled by grad_scale / (features per sample)." % forward.__doc__)

    @op.gradient
    def _vjp(b, n, g):
        x, label = n.inputs
        y = b.op(fn_op, x) if fn_op else x  # the forward as a plain operator (see above)
        if label.type.shape != y.type.shape:
            label = b.op("Reshape", label, shape=y.type.shape)
        if label.type.dtype != y.type.dtype:
            label = b.op("Cast", label, dtype=y.type.dtype)
        shape = y.type.shape
        per_sample = max(1, y.type.size // shape[0]) if shape else 1
        return [scale(b, slope(b, sub(b, y, label)), float(n.attrs["grad_scale"]) / per_sample),
                None]
    return op


def _identity(x):
    """the identity"""
    return x.copy()


def _sigmoid(x):
    """the sigmoid"""
    return 1.0 / (1.0 + np.exp(-x))


def _sign(b, d):
    return sub(b, b.op("_greater_scalar", d, scalar=0.0), b.op("_lesser_scalar", d, scalar=0.0))


_regression("LinearRegressionOutput", _identity, None, lambda b, d: d)
_regression("LogisticRegressionOutput", _sigmoid, "sigmoid", lambda b, d: d)
_regression("MAERegressionOutput", _identity, None, _sign)

# ---------------------------------------------------------------- MakeLoss

_MAKE_LOSS_ATTRS = {"grad_scale": 1.0, "valid_thresh": 0.0, "normalization": "null"}


def _make_loss_infer(ins, attrs):
    if attrs["normalization"] not in ("null", "batch", "valid"):
        raise ShapeError("MakeLoss: normalization must be null, batch or valid, got %r"
                         % (attrs["normalization"],))
    return same_type(ins, attrs)


@register("MakeLoss", _make_loss_infer, attrs=_MAKE_LOSS_ATTRS, mxnet_np="MakeLoss")
def make_loss_layer(data, grad_scale, valid_thresh, normalization):
    """Marks `data` as a loss: identity forward, gradient grad_scale (normalised).

    The gradient ignores the head gradient; normalization 'batch' divides it by the batch
    size, 'valid' by the count of elements above valid_thresh."""
    return data.copy()


@make_loss_layer.gradient
def _make_loss_vjp(b, n, g):
    x, a = n.inputs[0], n.attrs
    d = scale(b, b.op("ones_like", x), float(a["grad_scale"]))
    if a["normalization"] == "batch" and x.type.shape:
        d = scale(b, d, 1.0 / max(1, x.type.shape[0]))
    elif a["normalization"] == "valid":
        above = b.op("_greater_scalar", x, scalar=float(a["valid_thresh"]))
        count = b.op("_maximum_scalar", b.op("sum", above), scalar=1.0)
        d = b.op("elemwise_div", d, broadcast(b, count, x.type.shape))
    return [d]


@register("make_loss", same_type, mxnet_np="make_loss")
def make_loss(data):
    """Marks `data` as a loss: identity forward, gradient ones (ignores the head gradient)."""
    return data.copy()


@make_loss.gradient
def _make_loss_ones(b, n, g):
    return [b.op("ones_like", n.inputs[0])]


__all__ = ["softmax_output", "make_loss_layer", "make_loss"]


# ---------------------------------------------------------------- forward mode (see _jvp.py)

# The JVP of an output layer is the derivative of its forward output (what finite
# differences see), not of the loss its VJP stands for.
from tapegraph.ir.registry import REGISTRY  # noqa: E402
from ._jvp import linear, set_rule, softmax_tangent  # noqa: E402  (after the operators)

set_rule(linear(0), ["LinearRegressionOutput", "MAERegressionOutput", "MakeLoss", "make_loss"])


@softmax_output.jvp
def _softmax_output_jvp(b, n, t):
    if t[0] is None:
        return [None]
    return [softmax_tangent(b, n.outputs[0], t[0], -1)]


@REGISTRY.get("LogisticRegressionOutput").jvp
def _logistic_jvp(b, n, t):
    if t[0] is None:
        return [None]
    y = n.outputs[0]
    return [mul(b, t[0], mul(b, y, b.op("_rminus_scalar", y, scalar=1.0)))]
